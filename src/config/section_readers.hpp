// src/config/section_readers.hpp
//
// Internal to the loader: one reader per config section, each in its own *_fields.cpp, where the
// section's key tables are written.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/field_binding.hpp"
#include "config/server_config.hpp"
#include "config/yaml_reader.hpp"

namespace livedash::config {

void readValue(Reader& r, const YAML::Node& node, const std::string& path, SourceConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, QueryConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, ReactionConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, DashboardConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, TokenConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, AuthConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, LimitsConfig& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, ClusterConfig& out);
//! A list of CORS origins, or one origin (`*` included) as a plain string.
FieldBinding originsField(Reader& r, std::string_view name, std::vector<std::string>& target);

void readServerConfig(Reader& r, const YAML::Node& root, ServerConfig& out);

//! The whole file, or a ConfigError naming it ("cannot read the <what>: <reason>").
std::string readConfigText(const std::string& path, std::string_view what);

//! Duplicate ids, and names that refer to no source or query. Run after the whole file is read.
void checkCrossReferences(Reader& r);

//! The ids a section has, for checking references against.
using IdsOf = std::function<std::vector<std::string>(Section)>;
//! Reports each name recorded by `r` that is not among `ids_of(its section)`; `where` says what
//! defines the ids in the hint ("the file defines no sources").
void checkReferences(Reader& r, const IdsOf& ids_of, std::string_view where);

}  // namespace livedash::config
