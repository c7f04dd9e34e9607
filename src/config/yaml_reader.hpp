// src/config/yaml_reader.hpp
//
// Internal to the loader. A Reader walks one parsed YAML document and collects every problem as a
// located Diagnostic instead of stopping at the first. It also records where ids are defined and
// referenced, so cross-references can be checked once the whole file is read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config_location.hpp"
#include "config/env_interpolation.hpp"
#include "core/diagnostic.hpp"

namespace livedash::config {

//! The sections whose entries have ids.
enum class Section : uint8_t { Source, Query, Reaction, Dashboard };

//! Where an id is defined or referenced.
struct NamedSite {
  Section section;
  std::string name;
  YAML::Mark mark;
  uint32_t length = 1;
  std::string key_path;
};

class Reader {
 public:
  Reader(std::string file, std::string_view text, std::string base_dir, EnvLookup env);

  const std::string& file() const { return file_; }
  std::string_view text() const { return text_; }

  void error(const YAML::Node& at, const std::string& key_path, std::string message,
             std::string hint = {});
  void errorAt(const YAML::Mark& mark, uint32_t length, const std::string& key_path,
               std::string message, std::string hint = {});
  void warning(const YAML::Node& at, const std::string& key_path, std::string message,
               std::string hint = {});
  //! "expected <expected>, got <what the node is>".
  void wrongType(const YAML::Node& at, const std::string& key_path, std::string_view expected);

  //! A scalar's text with `${VAR}` references replaced; problems are reported at the node.
  std::string interpolatedScalar(const YAML::Node& node, const std::string& key_path);
  //! As interpolatedScalar, but silent: for peeking at a value that is read properly later.
  std::string quietScalar(const YAML::Node& node) const;
  ConfigLocation locationOf(const YAML::Node& node, const std::string& key_path) const;
  //! `path` made absolute against the config file's directory, unless it is already.
  std::string resolveFile(std::string_view path) const;

  void defineId(Section section, std::string id, const YAML::Node& at, std::string key_path);
  void referTo(Section section, std::string id, const YAML::Node& at, std::string key_path);
  const std::vector<NamedSite>& definitions() const { return definitions_; }
  const std::vector<NamedSite>& references() const { return references_; }

  //! A null value has no position of its own (yaml-cpp marks the next token), so while a key's
  //! value is read, problems with a null value are reported at the key.
  class KeyScope {
   public:
    KeyScope(Reader& reader, const YAML::Node& key);
    ~KeyScope();
    KeyScope(const KeyScope&) = delete;
    KeyScope& operator=(const KeyScope&) = delete;

   private:
    Reader& reader_;
    YAML::Mark saved_mark_;
    uint32_t saved_length_;
  };

  bool hasErrors() const { return !errors_.empty(); }
  size_t errorCount() const { return errors_.size(); }
  //! In file order.
  std::vector<core::Diagnostic> takeErrors();
  std::vector<core::Diagnostic> takeWarnings() { return std::move(warnings_); }

 private:
  core::Diagnostic diagnostic(const YAML::Mark& mark, uint32_t length, const std::string& key_path,
                              std::string message, std::string hint) const;
  struct Located {
    YAML::Mark mark;
    uint32_t length;  //!< of the token, for the caret run
  };
  Located locate(const YAML::Node& node) const;
  NamedSite site(Section section, std::string name, const YAML::Node& at,
                 std::string key_path) const;

  std::string file_;
  std::string_view text_;
  std::string base_dir_;
  EnvLookup env_;
  YAML::Mark key_mark_ = YAML::Mark::null_mark();
  uint32_t key_length_ = 1;
  std::vector<core::Diagnostic> errors_;
  std::vector<core::Diagnostic> warnings_;
  std::vector<NamedSite> definitions_;
  std::vector<NamedSite> references_;
};

//! The reader's text parsed as one YAML document (JSON included). Throws ConfigError, located
//! and with a hint for the common causes, on a syntax error.
YAML::Node parseYaml(Reader& reader);

//! What a node is, for "got …" in messages: "a mapping", "a list", "a string", "an integer", ….
std::string describeNode(const YAML::Node& node);

//! "sources[0]" and "sources.kind"-style key paths.
std::string childPath(const std::string& parent, std::string_view key);
std::string itemPath(const std::string& parent, size_t index);

}  // namespace livedash::config
