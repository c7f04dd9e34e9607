// tests/unit/app/test_app.hpp
//
// The whole application on a free loopback port, from a config in tests/data/app/, and the REST
// calls the app tests share. Header-only: the test binaries compile only *_test.cpp files.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app::test {

//! Started, on an ephemeral port, without the dashboard's pages and assets.
inline std::unique_ptr<Application> startTestApp(const std::string& config_file,
                                                 const core::Clock& clock, int io_threads = 2) {
  config::ServerConfig cfg =
      config::loadConfigFile(LIVEDASH_SOURCE_DIR "/tests/data/app/" + config_file);
  ApplicationOptions options;
  options.port_override = 0;
  options.io_threads = io_threads;
  options.serve_dashboard = false;
  auto app = std::make_unique<Application>(std::move(cfg), options, clock);
  app->start();
  return app;
}

//! GET /api/v1/queries/{query}/results, parsed; a non-200 answer fails the test.
inline core::Value queryResults(const Application& app, const std::string& query) {
  server::test::TestClient c(app.port());
  auto reply = c.request("GET", "/api/v1/queries/" + query + "/results");
  EXPECT_EQ(reply.status, 200) << reply.body;
  return core::parseJson(reply.body);
}

}  // namespace livedash::app::test
