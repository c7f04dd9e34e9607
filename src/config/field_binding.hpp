// src/config/field_binding.hpp
//
// Internal to the loader. Each config struct is described once, by a table of FieldBindings: the
// key's snake_case name (its camelCase spelling is derived and accepted too) and how to read the
// value into a member. readFields walks a mapping against such a table and reports unknown,
// repeated, missing and drasi-only keys. readValue overloads read one value by the member's type.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config_enums.hpp"
#include "config/yaml_reader.hpp"
#include "core/value.hpp"

namespace livedash::config {

enum class FieldRule : uint8_t {
  Optional,
  Required,
  DrasiOnly,    //!< a drasi-server key with no meaning here: accepted with a warning
  Unsupported,  //!< a drasi-server key whose meaning we cannot honour: an error
  OtherKind,    //!< a key of another source or reaction kind: an error naming that kind
};

struct FieldBinding {
  std::string_view name;  //!< snake_case
  FieldRule rule = FieldRule::Optional;
  std::function<void(const YAML::Node& value, const std::string& key_path)> read;
  std::string_view alias;  //!< one more accepted spelling, such as drasi's `kind` for `type`
  std::string_view note;   //!< DrasiOnly, Unsupported: the hint; OtherKind: whose key it is
};
using FieldTable = std::vector<FieldBinding>;

//! `heartbeat_interval_ms` → `heartbeatIntervalMs`.
std::string camelCaseOf(std::string_view snake_case);
bool equalsIgnoreCase(std::string_view a, std::string_view b);

enum class UnknownKeys : uint8_t { Reject, Skip };

void readFields(Reader& reader, const YAML::Node& node, const std::string& key_path,
                const FieldTable& fields, UnknownKeys unknown_keys = UnknownKeys::Reject);

//! The value under `name` (any accepted spelling), without reading it; an undefined node if absent.
YAML::Node findField(const YAML::Node& map, std::string_view name);

// Scalars. Each reports its own problems and leaves `out` unchanged on error.
void readValue(Reader& r, const YAML::Node& node, const std::string& path, std::string& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, bool& out);
//! uint16_t members are TCP ports: 0 to 65535.
void readValue(Reader& r, const YAML::Node& node, const std::string& path, uint16_t& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, uint32_t& out);
//! Free-form values (query params, widget options), typed by the YAML core schema.
void readValue(Reader& r, const YAML::Node& node, const std::string& path, core::Value& out);
void readValue(Reader& r, const YAML::Node& node, const std::string& path, QueryLanguage& out);

//! Index of the spelling `node` matches (case-insensitively), or nullopt after reporting.
std::optional<size_t> matchEnum(Reader& r, const YAML::Node& node, const std::string& path,
                                const std::vector<std::string_view>& spellings);

template <class Enum>
requires std::is_enum_v<Enum>
void readValue(Reader& r, const YAML::Node& node, const std::string& path, Enum& out) {
  std::span<const EnumName<Enum>> names = enumNames(Enum{});
  std::vector<std::string_view> spellings;
  for (const EnumName<Enum>& entry : names) {
    spellings.push_back(entry.name);
  }
  if (std::optional<size_t> index = matchEnum(r, node, path, spellings)) {
    out = names[*index].value;
  }
}

//! The enum value under `name`, without reporting anything, for choosing a kind's field table.
template <class Enum>
std::optional<Enum> peekEnum(const Reader& r, const YAML::Node& map, std::string_view name);

template <class T>
concept HasFieldTable = requires(Reader& r, T& value) {
  { fieldsOf(r, value) } -> std::same_as<FieldTable>;
};

template <HasFieldTable T>
void readValue(Reader& r, const YAML::Node& node, const std::string& path, T& out) {
  readFields(r, node, path, fieldsOf(r, out));
}

template <class T>
void readValue(Reader& r, const YAML::Node& node, const std::string& path, std::optional<T>& out) {
  T value{};
  readValue(r, node, path, value);
  out = std::move(value);
}

template <class T>
void readValue(Reader& r, const YAML::Node& node, const std::string& path, std::vector<T>& out) {
  if (!node.IsSequence()) {
    r.wrongType(node, path, "a list");
    return;
  }
  out.clear();
  size_t index = 0;
  for (const YAML::Node& item : node) {
    T value{};
    readValue(r, item, itemPath(path, index++), value);
    out.push_back(std::move(value));
  }
}

//! A mapping whose keys are names chosen by the user (query ids, header names, params): any
//! string-keyed map type (std::map, core::Map).
template <class MapType>
requires std::same_as<typename MapType::key_type, std::string> &&
         requires { typename MapType::mapped_type; }
void readValue(Reader& r, const YAML::Node& node, const std::string& path, MapType& out) {
  if (!node.IsMap()) {
    r.wrongType(node, path, "a mapping");
    return;
  }
  out.clear();
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    std::string key_path = childPath(path, key);
    if (out.contains(key)) {
      r.error(it->first, key_path, fmt::format("`{}` appears twice", key));
      continue;
    }
    Reader::KeyScope scope(r, it->first);
    readValue(r, it->second, key_path, out[key]);
  }
}

template <class T>
FieldBinding field(Reader& r, std::string_view name, T& target,
                   FieldRule rule = FieldRule::Optional) {
  return FieldBinding{name, rule, [&r, &target](const YAML::Node& value, const std::string& path) {
                        readValue(r, value, path, target);
                      }};
}

FieldBinding withAlias(FieldBinding field, std::string_view alias);
FieldBinding drasiOnly(std::string_view name, std::string_view note = {});
FieldBinding unsupported(std::string_view name, std::string_view note);
//! `fields` of another kind, whose keys are then reported as belonging to `owner`, such as
//! "postgres sources".
FieldTable ofOtherKind(FieldTable fields, std::string_view owner);

//! `id`: required, URL-safe, and recorded so duplicates can be found.
FieldBinding bindId(Reader& r, Section section, std::string& target);
//! A field naming one entry of `section`, recorded so unknown names can be found.
FieldBinding bindReference(Reader& r, std::string_view name, Section section, std::string& target,
                           FieldRule rule = FieldRule::Required);
FieldBinding bindReferences(Reader& r, std::string_view name, Section section,
                            std::vector<std::string>& targets,
                            FieldRule rule = FieldRule::Required);

template <class Enum>
std::optional<Enum> peekEnum(const Reader& r, const YAML::Node& map, std::string_view name) {
  std::string text = r.quietScalar(findField(map, name));
  for (const EnumName<Enum>& entry : enumNames(Enum{})) {
    if (equalsIgnoreCase(entry.name, text)) {
      return entry.value;
    }
  }
  return std::nullopt;
}

}  // namespace livedash::config
