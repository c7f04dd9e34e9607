// src/config/config_loader.hpp
//
// Reads a YAML config into a ServerConfig. Loading checks everything that can be checked without
// running anything: keys, types, enum values, ports, ids, and that every query, reaction and widget
// names something that exists. It does not parse the Cypher text (the app does, and reports with
// QueryConfig::fileLocationOf). `${VAR}` and `${VAR:-default}` in string values are replaced from
// the environment, except in query text, where `$name` parameters serve instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/server_config.hpp"

namespace livedash::config {

//! Throws ConfigError listing every problem, or when the file cannot be read.
ServerConfig loadConfigFile(const std::string& path);

//! A list of joins, as under a query's `joins:` (YAML or JSON, bare or under `joins:`), for
//! `livedash replay --joins`. Throws ConfigError.
std::vector<JoinConfig> loadJoinsFile(const std::string& path);
//! As loadConfigFile, for text already in memory. `display_name` names the text in diagnostics;
//! its directory (if any) is where relative schema_files resolve.
ServerConfig loadConfigString(std::string_view yaml, const std::string& display_name);

}  // namespace livedash::config
