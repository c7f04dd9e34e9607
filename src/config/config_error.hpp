// src/config/config_error.hpp
//
// The one exception config loading throws. It carries every problem found, each located in the
// file, so `livedash check` can list them all at once.
#pragma once

#include <vector>

#include "core/diagnostic.hpp"
#include "core/error.hpp"

namespace livedash::config {

class ConfigError : public core::Error {
 public:
  //! `diagnostics` must not be empty. what() is all of them, formatted.
  explicit ConfigError(std::vector<core::Diagnostic> diagnostics);

  const std::vector<core::Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<core::Diagnostic> diagnostics_;
};

}  // namespace livedash::config
