// src/app/logging.cpp
#include "app/logging.hpp"

#include <chrono>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/json.hpp"
#include "server/server_log.hpp"

namespace livedash::app {

namespace {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    std::string line = R"({"ts":)";
    core::appendJsonString(line, core::formatDateTime({ms}));
    line += R"(,"level":)";
    const auto level = spdlog::level::to_string_view(msg.level);
    core::appendJsonString(line, std::string_view(level.data(), level.size()));
    line += R"(,"logger":)";
    core::appendJsonString(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line += R"(,"msg":)";
    core::appendJsonString(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += R"(,"thread":)";
    line += std::to_string(msg.thread_id);
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }
};

void toSpdlogSink(server::ServerLogLevel level, std::string_view message) {
  spdlog::log(level == server::ServerLogLevel::Error ? spdlog::level::err : spdlog::level::warn,
              "{}", message);
}

spdlog::level::level_enum toSpdlog(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::Trace:
      return spdlog::level::trace;
    case config::LogLevel::Debug:
      return spdlog::level::debug;
    case config::LogLevel::Info:
      return spdlog::level::info;
    case config::LogLevel::Warn:
      return spdlog::level::warn;
    case config::LogLevel::Error:
      return spdlog::level::err;
    case config::LogLevel::Critical:
      return spdlog::level::critical;
    case config::LogLevel::Off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

std::unique_ptr<spdlog::formatter> makeJsonLogFormatter() {
  return std::make_unique<JsonLogFormatter>();
}

void configureLogging(config::LogLevel level, config::LogFormat format) {
  // Made by hand rather than through spdlog's registry helpers, so that calling this again (a
  // test, a second command) replaces the logger instead of throwing on its name.
  spdlog::sink_ptr sink;
  if (format == config::LogFormat::Json) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_formatter(makeJsonLogFormatter());
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("livedash", std::move(sink));
  logger->set_level(toSpdlog(level));
  spdlog::set_default_logger(std::move(logger));
  server::setServerLogSink(&toSpdlogSink);
}

}  // namespace livedash::app
