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

class AppFixture : public ::testing::Test {
 protected:
  //! `config_file`: a name under tests/data/app.
  explicit AppFixture(std::string config_file) : config_file_(std::move(config_file)) {}

  void SetUp() override {
    ApplicationOptions options;
    options.port_override = 0;
    options.io_threads = 1;
    app = std::make_unique<Application>(
        config::loadConfigFile(LIVEDASH_SOURCE_DIR "/tests/data/app/" + config_file_), options,
        clock);
    app->start();
  }
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
};

}  // namespace livedash::app::test
