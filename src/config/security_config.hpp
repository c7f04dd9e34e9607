// src/config/security_config.hpp
//
// The top-level `auth:`, `cors_origins:` and `limits:` settings: who may call the API and the
// streams, from which browser origins, and how much one client may ask of the server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_enums.hpp"
#include "config/config_location.hpp"

namespace livedash::config {

//! One static bearer token (`auth.tokens[i]`).
struct TokenConfig {
  //! Shown in logs and errors in place of the value; defaults to `tokens[i]`.
  std::string name;
  //! The secret, usually `${SOME_ENV_VAR}`. Never logged.
  std::string token;
  TokenRole role = TokenRole::Read;
  //! Query ids this token may see; empty means every query.
  std::vector<std::string> queries;
  ConfigLocation location;
};

struct AuthConfig {
  //! None: auth is off and everything is public.
  std::vector<TokenConfig> tokens;
  //! Serve `/metrics` without a token (for a scraper on a private network).
  bool public_metrics = false;
};

struct LimitsConfig {
  uint32_t max_body_bytes = 4 * 1024 * 1024;  //!< larger bodies get 413
  uint32_t max_header_bytes = 16 * 1024;      //!< larger request heads get 431
  //! A keep-alive connection with no request for this long is closed.
  uint32_t idle_timeout_seconds = 60;
  //! Open connections per client address (HTTP, SSE and WebSocket alike); 0: no cap.
  uint32_t max_connections_per_ip = 1024;
};

}  // namespace livedash::config
