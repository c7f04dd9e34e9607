// src/config/entry_loader.cpp
#include "config/entry_loader.hpp"

#include <yaml-cpp/yaml.h>

#include "config/section_readers.hpp"

namespace livedash::config {
namespace {

EnvLookup noEnvironment() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

template <class Entry>
Entry loadEntry(std::string_view text, const std::string& display_name, const KnownIds& known) {
  Reader reader(display_name, text, "", noEnvironment());
  YAML::Node root = parseYaml(reader);
  Entry entry;
  if (!root.IsMap()) {
    reader.wrongType(root, "", "a mapping (a JSON object)");
    throw ConfigError(reader.takeErrors());
  }
  readValue(reader, root, "", entry);
  checkReferences(
      reader,
      [&known](Section section) {
        return section == Section::Source  ? known.sources
               : section == Section::Query ? known.queries
                                           : std::vector<std::string>{};
      },
      "livedash");
  if (reader.hasErrors())
    throw ConfigError(reader.takeErrors());
  return entry;
}

}  // namespace

SourceConfig loadSourceEntry(std::string_view text, const std::string& display_name) {
  return loadEntry<SourceConfig>(text, display_name, KnownIds{});
}

QueryConfig loadQueryEntry(std::string_view text, const std::string& display_name,
                           const KnownIds& known) {
  return loadEntry<QueryConfig>(text, display_name, known);
}

ReactionConfig loadReactionEntry(std::string_view text, const std::string& display_name,
                                 const KnownIds& known) {
  return loadEntry<ReactionConfig>(text, display_name, known);
}

}  // namespace livedash::config
