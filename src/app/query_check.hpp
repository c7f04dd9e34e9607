// src/app/query_check.hpp
#pragma once

#include <vector>

#include "config/server_config.hpp"
#include "core/diagnostic.hpp"

namespace livedash::app {

//! Parses and plans every query of the config, as the engine would, and returns a diagnostic
//! (file, key path, line:column, caret under the query text) for each one that fails.
std::vector<core::Diagnostic> checkQueries(const config::ServerConfig& config);

}  // namespace livedash::app
