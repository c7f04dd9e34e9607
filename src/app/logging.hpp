// src/app/logging.hpp
//
// How livedash logs: spdlog's default logger (named "livedash"), to stderr, as text or as one
// JSON object per line for log shippers: {"ts","level","logger","msg","thread"}.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

#include "config/config_enums.hpp"

namespace livedash::app {

//! Sets the default logger's level and format. Call before any thread logs.
void configureLogging(config::LogLevel level, config::LogFormat format);

//! The JSON line formatter, exposed for tests.
std::unique_ptr<spdlog::formatter> makeJsonLogFormatter();

}  // namespace livedash::app
