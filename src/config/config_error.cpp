// src/config/config_error.cpp
#include "config/config_error.hpp"

namespace livedash::config {
namespace {

std::string describe(const std::vector<core::Diagnostic>& diagnostics) {
  std::string text = core::formatDiagnostics(diagnostics);
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

}  // namespace

ConfigError::ConfigError(std::vector<core::Diagnostic> diagnostics,
                         std::shared_ptr<const ServerConfig> partial)
    : core::Error(core::ErrorCode::ConfigInvalid, describe(diagnostics)),
      diagnostics_(std::move(diagnostics)),
      partial_(std::move(partial)) {}

}  // namespace livedash::config
