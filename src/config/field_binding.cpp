// src/config/field_binding.cpp
#include "config/field_binding.hpp"

#include <algorithm>
#include <cctype>

namespace livedash::config {
namespace {

bool accepts(const FieldBinding& field, std::string_view key) {
  return key == field.name || key == camelCaseOf(field.name) ||
         (!field.alias.empty() && key == field.alias);
}

std::optional<size_t> indexOf(const FieldTable& fields, std::string_view key) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (accepts(fields[i], key)) {
      return i;
    }
  }
  return std::nullopt;
}

std::string didYouMean(const FieldTable& fields, std::string_view key) {
  std::vector<std::string> candidates;
  for (const FieldBinding& field : fields) {
    if (field.rule == FieldRule::Optional || field.rule == FieldRule::Required) {
      candidates.emplace_back(field.name);
      candidates.push_back(camelCaseOf(field.name));
    }
  }
  std::string match = core::closestMatch(key, candidates);
  return match.empty() ? std::string() : fmt::format("did you mean `{}`?", match);
}

// A mapping written in camelCase gets its missing keys named in camelCase.
bool usesCamelCase(const YAML::Node& map) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string& key = it->first.Scalar();
    if (std::any_of(key.begin(), key.end(), [](char c) { return std::isupper(c); })) {
      return true;
    }
  }
  return false;
}

using FirstSeen = std::vector<YAML::Mark>;

void readField(Reader& r, const YAML::Node& key, const YAML::Node& value, const std::string& parent,
               const FieldTable& fields, FirstSeen& first_seen, UnknownKeys unknown_keys) {
  if (!key.IsScalar()) {
    r.error(key, parent, "expected a key name");
    return;
  }
  const std::string& name = key.Scalar();
  std::string path = childPath(parent, name);
  std::optional<size_t> index = indexOf(fields, name);
  if (!index) {
    if (unknown_keys == UnknownKeys::Reject) {
      r.error(key, path, fmt::format("unknown key `{}`", name), didYouMean(fields, name));
    }
    return;
  }
  const FieldBinding& field = fields[*index];
  if (!first_seen[*index].is_null()) {
    r.error(key, path,
            fmt::format("`{}` is already set on line {}", name, first_seen[*index].line + 1));
    return;
  }
  first_seen[*index] = key.Mark();
  if (field.rule == FieldRule::DrasiOnly) {
    r.warning(key, path, fmt::format("`{}` is a drasi-server setting that livedash ignores", name),
              std::string(field.note));
    return;
  }
  if (field.rule == FieldRule::Unsupported) {
    r.error(key, path, fmt::format("`{}` is not supported by livedash", name),
            std::string(field.note));
    return;
  }
  if (field.rule == FieldRule::OtherKind) {
    r.error(key, path, fmt::format("unknown key `{}`", name),
            fmt::format("`{}` is a key of {}", name, field.note));
    return;
  }
  Reader::KeyScope scope(r, key);
  if (field.rule == FieldRule::Required && value.IsNull()) {
    r.error(value, path, fmt::format("`{}` needs a value", name));
    return;
  }
  field.read(value, path);
}

bool isIdCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::string camelCaseOf(std::string_view snake_case) {
  std::string camel;
  bool upper_next = false;
  for (char c : snake_case) {
    if (c == '_') {
      upper_next = true;
      continue;
    }
    camel += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper_next = false;
  }
  return camel;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void readFields(Reader& r, const YAML::Node& node, const std::string& key_path,
                const FieldTable& fields, UnknownKeys unknown_keys) {
  if (!node.IsMap()) {
    r.wrongType(node, key_path, "a mapping");
    return;
  }
  FirstSeen first_seen(fields.size(), YAML::Mark::null_mark());
  for (auto it = node.begin(); it != node.end(); ++it) {
    readField(r, it->first, it->second, key_path, fields, first_seen, unknown_keys);
  }
  bool camel = usesCamelCase(node);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].rule == FieldRule::Required && first_seen[i].is_null()) {
      std::string name = camel ? camelCaseOf(fields[i].name) : std::string(fields[i].name);
      r.error(node, key_path, fmt::format("missing required key `{}`", name));
    }
  }
}

YAML::Node findField(const YAML::Node& map, std::string_view name) {
  if (map.IsMap()) {
    FieldBinding field{name};
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && accepts(field, it->first.Scalar())) {
        return it->second;
      }
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

FieldBinding withAlias(FieldBinding field, std::string_view alias) {
  field.alias = alias;
  return field;
}

FieldBinding drasiOnly(std::string_view name, std::string_view note) {
  return FieldBinding{name, FieldRule::DrasiOnly, {}, {}, note};
}

FieldBinding unsupported(std::string_view name, std::string_view note) {
  return FieldBinding{name, FieldRule::Unsupported, {}, {}, note};
}

FieldTable ofOtherKind(FieldTable fields, std::string_view owner) {
  for (FieldBinding& field : fields) {
    field.rule = FieldRule::OtherKind;
    field.note = owner;
  }
  return fields;
}

FieldBinding bindId(Reader& r, Section section, std::string& target) {
  auto read = [&r, section, &target](const YAML::Node& value, const std::string& path) {
    if (!value.IsNull() && !value.IsScalar()) {
      r.wrongType(value, path, "an id");
      return;
    }
    std::string id = value.IsScalar() ? r.interpolatedScalar(value, path) : std::string();
    if (id.empty()) {
      r.error(value, path, "the id is empty");
      return;
    }
    if (!std::all_of(id.begin(), id.end(), isIdCharacter)) {
      r.error(value, path,
              fmt::format("id `{}` may only contain letters, digits, `-`, `_` and `.`", id),
              "ids appear in URLs such as /api/v1/queries/{id}/results");
      return;
    }
    target = id;
    r.defineId(section, std::move(id), value, path);
  };
  return FieldBinding{"id", FieldRule::Required, std::move(read)};
}

FieldBinding bindReference(Reader& r, std::string_view name, Section section, std::string& target,
                           FieldRule rule) {
  auto read = [&r, section, &target](const YAML::Node& value, const std::string& path) {
    readValue(r, value, path, target);
    if (value.IsScalar() && !target.empty()) {
      r.referTo(section, target, value, path);
    }
  };
  return FieldBinding{name, rule, std::move(read)};
}

FieldBinding bindReferences(Reader& r, std::string_view name, Section section,
                            std::vector<std::string>& targets, FieldRule rule) {
  auto read = [&r, section, &targets](const YAML::Node& value, const std::string& path) {
    readValue(r, value, path, targets);
    if (!value.IsSequence()) {
      return;
    }
    size_t index = 0;
    for (const YAML::Node& item : value) {
      if (item.IsScalar() && index < targets.size() && !targets[index].empty()) {
        r.referTo(section, targets[index], item, itemPath(path, index));
      }
      ++index;
    }
  };
  return FieldBinding{name, rule, std::move(read)};
}

}  // namespace livedash::config
