// src/config/joins_loader.cpp
//
// A joins file for `livedash replay --joins`: the same list as a query's `joins:` in the config,
// in YAML or JSON, either bare or under a `joins:` key.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config_loader.hpp"
#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

void readValue(Reader& r, const YAML::Node& node, const std::string& path, JoinConfig& out);

std::vector<JoinConfig> loadJoinsFile(const std::string& path) {
  std::string text = readConfigText(path, "joins file");
  Reader reader(path, text, "", processEnvironment());
  YAML::Node root = parseYaml(reader);
  std::string base_path;
  if (root.IsMap() && root["joins"]) {
    root = root["joins"];
    base_path = "joins";
  }
  std::vector<JoinConfig> joins;
  if (!root.IsSequence()) {
    reader.wrongType(root, base_path, "a list of joins");
  } else {
    for (size_t i = 0; i < root.size(); ++i) {
      JoinConfig join;
      readValue(reader, root[i], fmt::format("{}[{}]", base_path, i), join);
      joins.push_back(std::move(join));
    }
  }
  if (reader.hasErrors())
    throw ConfigError(reader.takeErrors());
  return joins;
}

}  // namespace livedash::config
