// src/config/config_error.hpp
//
// The one exception config loading throws. It carries every problem found, each located in the
// file, so `livedash check` can list them all at once.
#pragma once

#include <memory>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/error.hpp"

namespace livedash::config {

struct ServerConfig;

class ConfigError : public core::Error {
 public:
  //! `diagnostics` must not be empty. what() is all of them, formatted.
  explicit ConfigError(std::vector<core::Diagnostic> diagnostics,
                       std::shared_ptr<const ServerConfig> partial = nullptr);

  const std::vector<core::Diagnostic>& diagnostics() const { return diagnostics_; }
  //! What could be read despite the errors (absent after a YAML syntax error), so that a checker
  //! can still report problems in the parts that did load, such as query text.
  const std::shared_ptr<const ServerConfig>& partial() const { return partial_; }

 private:
  std::vector<core::Diagnostic> diagnostics_;
  std::shared_ptr<const ServerConfig> partial_;
};

}  // namespace livedash::config
