// src/config/scalar_readers.cpp
//
// readValue for single values. Type checks happen after `${VAR}` interpolation, so that
// `port: ${PORT:-8080}` is a port; quoting a number (`port: "8080"`) is accepted for the same
// reason.
#include <limits>

#include "config/field_binding.hpp"
#include "config/plain_scalar.hpp"

namespace livedash::config {
namespace {

// The last key of a path, to name the setting in messages: `reactions[0].kind` → `kind`.
std::string_view lastKey(std::string_view path) {
  size_t dot = path.rfind('.');
  std::string_view key = dot == std::string_view::npos ? path : path.substr(dot + 1);
  return key.substr(0, key.find('['));
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view word : words) {
    out += out.empty() ? "" : ", ";
    out += word;
  }
  return out;
}

// Reads an integer within [0, max]; `what` names it in "expected …" messages.
std::optional<int64_t> readBounded(Reader& r, const YAML::Node& node, const std::string& path,
                                   std::string_view what, int64_t max) {
  if (!node.IsScalar()) {
    r.wrongType(node, path, what);
    return std::nullopt;
  }
  std::string text = r.interpolatedScalar(node, path);
  std::optional<int64_t> value = parseInteger(text);
  if (!value) {
    r.wrongType(node, path, what);
    return std::nullopt;
  }
  if (*value < 0 || *value > max) {
    r.error(node, path, fmt::format("{} {} is out of range (0 to {})", lastKey(path), *value, max));
    return std::nullopt;
  }
  return value;
}

}  // namespace

void readValue(Reader& r, const YAML::Node& node, const std::string& path, std::string& out) {
  // A key with no value keeps its default.
  if (node.IsNull()) {
    return;
  }
  if (!node.IsScalar()) {
    r.wrongType(node, path, "a string");
    return;
  }
  out = r.interpolatedScalar(node, path);
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, bool& out) {
  if (!node.IsScalar()) {
    r.wrongType(node, path, "true or false");
    return;
  }
  if (std::optional<bool> value = parseBool(r.interpolatedScalar(node, path))) {
    out = *value;
    return;
  }
  r.wrongType(node, path, "true or false");
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, uint16_t& out) {
  constexpr int64_t kMaxPort = std::numeric_limits<uint16_t>::max();
  if (std::optional<int64_t> value = readBounded(r, node, path, "a port number", kMaxPort)) {
    out = static_cast<uint16_t>(*value);
  }
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, uint32_t& out) {
  constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
  if (std::optional<int64_t> value = readBounded(r, node, path, "a whole number", kMax)) {
    out = static_cast<uint32_t>(*value);
  }
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, core::Value& out) {
  if (node.IsMap()) {
    core::Map map;
    readValue(r, node, path, map);
    out = std::move(map);
    return;
  }
  if (node.IsSequence()) {
    std::vector<core::Value> list;
    readValue(r, node, path, list);
    out = std::move(list);
    return;
  }
  if (!node.IsScalar()) {
    out = core::Value();
    return;
  }
  std::string text = r.interpolatedScalar(node, path);
  // Quoted, block and `!!str` scalars are strings; only plain ones are typed by their text.
  bool plain = node.Tag() == "?";
  out = plain ? plainScalarValue(text) : core::Value(std::move(text));
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, QueryLanguage& out) {
  if (node.IsScalar() && equalsIgnoreCase(node.Scalar(), "GQL")) {
    r.error(node, path, "only Cypher is supported; GQL queries cannot be run",
            "write the query in Cypher and set query_language to Cypher, or leave it out");
    return;
  }
  readValue<QueryLanguage>(r, node, path, out);
}

std::optional<size_t> matchEnum(Reader& r, const YAML::Node& node, const std::string& path,
                                const std::vector<std::string_view>& spellings) {
  if (!node.IsScalar()) {
    r.wrongType(node, path, fmt::format("one of {}", joined(spellings)));
    return std::nullopt;
  }
  std::string text = r.interpolatedScalar(node, path);
  for (size_t i = 0; i < spellings.size(); ++i) {
    if (equalsIgnoreCase(text, spellings[i])) {
      return i;
    }
  }
  std::string near = core::closestMatch(text, {spellings.begin(), spellings.end()});
  r.error(
      node, path,
      fmt::format("invalid {} `{}`; expected one of: {}", lastKey(path), text, joined(spellings)),
      near.empty() ? std::string() : fmt::format("did you mean `{}`?", near));
  return std::nullopt;
}

}  // namespace livedash::config
