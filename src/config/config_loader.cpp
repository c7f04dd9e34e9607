// src/config/config_loader.cpp
//
// Parses the YAML, reads every section into a ServerConfig while collecting problems, checks
// cross-references, and throws once with everything that was found.
#include "config/config_loader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/section_readers.hpp"

namespace livedash::config {
namespace {

ServerConfig load(std::string_view text, const std::string& file) {
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  Reader reader(file, text, base_dir, processEnvironment());
  YAML::Node root = parseYaml(reader);
  ServerConfig config;
  config.file = file;
  readServerConfig(reader, root, config);
  checkCrossReferences(reader);
  if (reader.hasErrors()) {
    throw ConfigError(reader.takeErrors(), std::make_shared<const ServerConfig>(std::move(config)));
  }
  config.warnings = reader.takeWarnings();
  return config;
}

}  // namespace

std::string readConfigText(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    core::Diagnostic d;
    d.file = path;
    d.message = fmt::format("cannot read the {}: {}", what, std::strerror(errno));
    throw ConfigError({std::move(d)});
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

ServerConfig loadConfigFile(const std::string& path) {
  return load(readConfigText(path, "config file"), path);
}

ServerConfig loadConfigString(std::string_view yaml, const std::string& display_name) {
  return load(yaml, display_name);
}

}  // namespace livedash::config
