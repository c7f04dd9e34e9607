// src/config/entry_loader.hpp
//
// One entry of `sources:`, `queries:` or `reactions:`, sent on its own (the body of a POST to the
// operations API), read with the same key tables and checks as the config file. Problems are
// located in the submitted text: key path relative to the entry (`sources[0].source_id`) and
// line:column in the body. JSON bodies are YAML too, so both are accepted.
//
// Unlike the file, `${VAR}` is not replaced from livedash's environment (a request must not be
// able to read it): `${VAR:-default}` gives the default, and `${VAR}` alone is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/server_config.hpp"

namespace livedash::config {

//! The ids an entry may refer to: the sources and queries that exist when it is created.
struct KnownIds {
  std::vector<std::string> sources;
  std::vector<std::string> queries;
};

//! Each throws ConfigError listing every problem; `display_name` names the text in them. The id
//! is checked for form, not for being free (the caller knows what exists).
SourceConfig loadSourceEntry(std::string_view text, const std::string& display_name);
QueryConfig loadQueryEntry(std::string_view text, const std::string& display_name,
                           const KnownIds& known);
ReactionConfig loadReactionEntry(std::string_view text, const std::string& display_name,
                                 const KnownIds& known);

}  // namespace livedash::config
