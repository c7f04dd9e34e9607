// src/config/yaml_reader.cpp
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "config/config_error.hpp"
#include "config/plain_scalar.hpp"

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

}  // namespace

Reader::Reader(std::string file, std::string_view text, std::string base_dir, EnvLookup env)
    : file_(std::move(file)), text_(text), base_dir_(std::move(base_dir)), env_(std::move(env)) {}

void Reader::error(const YAML::Node& at, const std::string& key_path, std::string message,
                   std::string hint) {
  Located where = locate(at);
  errorAt(where.mark, where.length, key_path, std::move(message), std::move(hint));
}

void Reader::errorAt(const YAML::Mark& mark, uint32_t length, const std::string& key_path,
                     std::string message, std::string hint) {
  errors_.push_back(diagnostic(mark, length, key_path, std::move(message), std::move(hint)));
}

void Reader::warning(const YAML::Node& at, const std::string& key_path, std::string message,
                     std::string hint) {
  Located where = locate(at);
  warnings_.push_back(
      diagnostic(where.mark, where.length, key_path, std::move(message), std::move(hint)));
}

void Reader::wrongType(const YAML::Node& at, const std::string& key_path,
                       std::string_view expected) {
  error(at, key_path, fmt::format("expected {}, got {}", expected, describeNode(at)));
}

std::string Reader::interpolatedScalar(const YAML::Node& node, const std::string& key_path) {
  if (!node.IsScalar()) {
    return {};
  }
  Interpolation result = interpolateEnv(node.Scalar(), env_);
  for (InterpolationProblem& problem : result.problems) {
    error(node, key_path, std::move(problem.message), std::move(problem.hint));
  }
  return std::move(result.text);
}

std::string Reader::quietScalar(const YAML::Node& node) const {
  return node.IsScalar() ? interpolateEnv(node.Scalar(), env_).text : std::string();
}

ConfigLocation Reader::locationOf(const YAML::Node& node, const std::string& key_path) const {
  YAML::Mark mark = locate(node).mark;
  uint32_t offset = mark.is_null() ? 0 : static_cast<uint32_t>(mark.pos);
  return ConfigLocation{file_, key_path, core::lineColumnAt(text_, offset)};
}

std::string Reader::resolveFile(std::string_view path) const {
  std::filesystem::path file(path);
  if (file.is_absolute() || base_dir_.empty()) {
    return file.string();
  }
  return (std::filesystem::path(base_dir_) / file).lexically_normal().string();
}

NamedSite Reader::site(Section section, std::string name, const YAML::Node& at,
                       std::string key_path) const {
  Located where = locate(at);
  return NamedSite{section, std::move(name), where.mark, where.length, std::move(key_path)};
}

void Reader::defineId(Section section, std::string id, const YAML::Node& at, std::string key_path) {
  definitions_.push_back(site(section, std::move(id), at, std::move(key_path)));
}

void Reader::referTo(Section section, std::string id, const YAML::Node& at, std::string key_path) {
  references_.push_back(site(section, std::move(id), at, std::move(key_path)));
}

Reader::KeyScope::KeyScope(Reader& reader, const YAML::Node& key)
    : reader_(reader), saved_mark_(reader.key_mark_), saved_length_(reader.key_length_) {
  Located where = reader.locate(key);
  reader_.key_mark_ = where.mark;
  reader_.key_length_ = where.length;
}

Reader::KeyScope::~KeyScope() {
  reader_.key_mark_ = saved_mark_;
  reader_.key_length_ = saved_length_;
}

std::vector<core::Diagnostic> Reader::takeErrors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.position.line, a.position.column) <
           std::pair(b.position.line, b.position.column);
  });
  return std::move(errors_);
}

core::Diagnostic Reader::diagnostic(const YAML::Mark& mark, uint32_t length,
                                    const std::string& key_path, std::string message,
                                    std::string hint) const {
  uint32_t offset = mark.is_null() ? 0 : static_cast<uint32_t>(mark.pos);
  core::Diagnostic d = core::diagnosticAt(text_, core::SourceSpan{offset, length},
                                          std::move(message), std::move(hint));
  d.file = file_;
  d.key_path = key_path;
  return d;
}

Reader::Located Reader::locate(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  bool detached = mark.is_null() || (node.IsNull() && mark.line != key_mark_.line);
  if (detached && !key_mark_.is_null()) {
    return {key_mark_, key_length_};
  }
  if (!node.IsScalar() || mark.is_null() || static_cast<size_t>(mark.pos) >= text_.size()) {
    return {mark, 1};
  }
  char first = text_[mark.pos];
  if (first == '|' || first == '>') {
    return {mark, 1};
  }
  uint32_t size = static_cast<uint32_t>(node.Scalar().size());
  return {mark, std::max<uint32_t>(1, first == '"' || first == '\'' ? size + 2 : size)};
}

YAML::Node parseYaml(Reader& reader) {
  try {
    return YAML::Load(std::string(reader.text()));
  } catch (const YAML::Exception& e) {
    reader.errorAt(e.mark, 1, "", fmt::format("YAML syntax error: {}", e.msg), syntaxHint(e.msg));
    throw ConfigError(reader.takeErrors());
  }
}

std::string describeNode(const YAML::Node& node) {
  if (node.IsMap()) {
    return "a mapping";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (!node.IsScalar()) {
    return "nothing";
  }
  // yaml-cpp tags plain scalars `?`; quoted and block scalars are strings whatever they hold.
  core::Value value = node.Tag() == "?" ? plainScalarValue(node.Scalar()) : node.Scalar();
  switch (value.kind()) {
    case core::ValueKind::Null:
      return "nothing";
    case core::ValueKind::Bool:
      return "a boolean";
    case core::ValueKind::Integer:
      return "an integer";
    case core::ValueKind::Float:
    case core::ValueKind::Decimal:
      return "a number";
    default:
      return "a string";
  }
}

std::string childPath(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string itemPath(const std::string& parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

}  // namespace livedash::config
