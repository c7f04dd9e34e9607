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

// yaml-cpp's messages say what broke, not what to do; these are the common causes.
std::string syntaxHint(std::string_view yaml_message) {
  if (yaml_message.find("end of map not found") != std::string_view::npos ||
      yaml_message.find("end of sequence not found") != std::string_view::npos) {
    return "check the indentation of this line and the ones above it";
  }
  if (yaml_message.find("illegal map value") != std::string_view::npos) {
    return "quote values that contain `: `";
  }
  return {};
}

ServerConfig load(std::string_view text, const std::string& file) {
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  Reader reader(file, text, base_dir, processEnvironment());
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    reader.errorAt(e.mark, 1, "", fmt::format("YAML syntax error: {}", e.msg), syntaxHint(e.msg));
    throw ConfigError(reader.takeErrors());
  }
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
