// src/app/query_check.hpp
#pragma once

#include <optional>
#include <vector>

#include "config/server_config.hpp"
#include "core/diagnostic.hpp"

namespace livedash::app {

//! Parses and plans the query as the engine would; when it fails, a diagnostic with its key path,
//! line:column and a caret under the query text.
std::optional<core::Diagnostic> checkQuery(const config::QueryConfig& query);

//! checkQuery for every query of the config.
std::vector<core::Diagnostic> checkQueries(const config::ServerConfig& config);

}  // namespace livedash::app
