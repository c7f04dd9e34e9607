// tests/unit/config/config_test_support.hpp
//
// Helpers shared by the config tests: paths of data files and a compact form of diagnostics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"

namespace livedash::config::testing {

inline std::string dataPath(std::string_view name) {
  return fmt::format("{}/tests/data/config/{}", LIVEDASH_SOURCE_DIR, name);
}

//! The diagnostics of a config that must be rejected.
inline std::vector<core::Diagnostic> rejectionOf(const std::string& path) {
  try {
    loadConfigFile(path);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << path << " was expected to be rejected";
  return {};
}

inline std::vector<core::Diagnostic> rejectionOfText(std::string_view yaml) {
  try {
    loadConfigString(yaml, "inline.yaml");
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "the config was expected to be rejected:\n" << yaml;
  return {};
}

//! `line:column key_path: message`, enough to pin a diagnostic down in one comparison.
inline std::string brief(const core::Diagnostic& d) {
  return fmt::format("{}:{} {}: {}", d.position.line, d.position.column, d.key_path, d.message);
}

inline std::vector<std::string> briefs(const std::vector<core::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const core::Diagnostic& d : ds) {
    out.push_back(brief(d));
  }
  return out;
}

}  // namespace livedash::config::testing
