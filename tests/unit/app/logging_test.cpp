// tests/unit/app/logging_test.cpp
//
// JSON logs: one parseable JSON object per line, with ts, level, logger and msg, whatever the
// message holds (quotes, newlines, control characters).
#include "app/logging.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/json.hpp"
#include "server/server_log.hpp"

namespace livedash::app {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

TEST(JsonLogs, EachLineIsOneParseableObject) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(makeJsonLogFormatter());
  spdlog::logger logger("livedash", sink);
  logger.info("source `{}`: bootstrapped {} rows", "shop", 3);
  logger.warn("a \"quoted\"\nmulti-line\tmessage \x01");
  logger.error("engine task failed: {}", "boom");

  std::vector<std::string> got = lines(out.str());
  ASSERT_EQ(got.size(), 3u) << out.str();
  const char* levels[] = {"info", "warning", "error"};
  for (size_t i = 0; i < got.size(); ++i) {
    core::Value v = core::parseJson(got[i]);
    ASSERT_TRUE(v.isMap()) << got[i];
    const core::Map& m = v.asMap();
    EXPECT_EQ(m.at("level"), core::Value(levels[i]));
    EXPECT_EQ(m.at("logger"), core::Value("livedash"));
    const std::string ts = m.at("ts").asString();
    EXPECT_EQ(ts.size(), 24u) << ts;  // 2026-11-22T22:16:34.123Z
    EXPECT_EQ(ts.back(), 'Z');
    EXPECT_TRUE(m.at("thread").isInteger());
  }
  EXPECT_EQ(core::parseJson(got[0]).asMap().at("msg"),
            core::Value("source `shop`: bootstrapped 3 rows"));
  EXPECT_EQ(core::parseJson(got[1]).asMap().at("msg"),
            core::Value("a \"quoted\"\nmulti-line\tmessage \x01"));
}

TEST(JsonLogs, ServerLinesGoThroughTheSameLogger) {
  configureLogging(config::LogLevel::Info, config::LogFormat::Json);
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(makeJsonLogFormatter());
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("livedash", sink));
  server::serverLog(server::ServerLogLevel::Warn, "accept failed: too many open files");
  std::vector<std::string> got = lines(out.str());
  ASSERT_EQ(got.size(), 1u) << out.str();
  core::Value v = core::parseJson(got[0]);
  EXPECT_EQ(v.asMap().at("level"), core::Value("warning"));
  EXPECT_EQ(v.asMap().at("msg"), core::Value("accept failed: too many open files"));
  configureLogging(config::LogLevel::Info, config::LogFormat::Text);  // `out` goes away
}

TEST(JsonLogs, ConfigureLoggingCanBeCalledAgain) {
  configureLogging(config::LogLevel::Warn, config::LogFormat::Json);
  configureLogging(config::LogLevel::Info, config::LogFormat::Text);
  EXPECT_EQ(spdlog::default_logger()->name(), "livedash");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::info);
}

}  // namespace
}  // namespace livedash::app
