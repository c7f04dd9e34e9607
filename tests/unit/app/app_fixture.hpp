// tests/unit/app/app_fixture.hpp
//
// A wired Application on a free port, started from a config under tests/data/app, and requests
// to it over real sockets. Each test gets a fresh application.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

//! The next event that carries data (skipping `retry:` and comments).
inline server::test::SseEvent nextData(server::test::TestClient& client) {
  server::test::SseEvent event = client.nextEvent();
  while (event.data.empty())
    event = client.nextEvent();
  return event;
}

//! Started on a free port from `config_file`, a name under tests/data/app.
inline std::unique_ptr<Application> startTestApp(const std::string& config_file,
                                                 const core::Clock& clock, int io_threads = 1) {
  ApplicationOptions options;
  options.port_override = 0;
  options.io_threads = io_threads;
  auto app = std::make_unique<Application>(
      config::loadConfigFile(LIVEDASH_SOURCE_DIR "/tests/data/app/" + config_file), options, clock);
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

class AppFixture : public ::testing::Test {
 protected:
  //! `config_file`: a name under tests/data/app.
  explicit AppFixture(std::string config_file, int io_threads = 1)
      : config_file_(std::move(config_file)), io_threads_(io_threads) {}

  void SetUp() override { app = startTestApp(config_file_, clock, io_threads_); }
  void TearDown() override { app->stop(); }

  server::test::Reply get(const std::string& target, const Headers& headers = {}) {
    server::test::TestClient c(app->port());
    return c.request("GET", target, headers);
  }
  server::test::Reply send(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& type = "application/json",
                           Headers headers = {}) {
    server::test::TestClient c(app->port());
    headers.emplace_back("Content-Type", type);
    return c.request(method, target, headers, body);
  }

  core::SystemClock clock;
  std::unique_ptr<Application> app;

 private:
  std::string config_file_;
  int io_threads_;
};

}  // namespace livedash::app::test
