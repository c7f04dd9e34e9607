// src/app/http_options.hpp
//
// The config's security and limits settings as the server's options: tokens, CORS origins, body
// and header limits, idle timeout and the per-address connection cap. One place, so that the main
// listener and an SSE reaction's own listener are guarded alike.
#pragma once

#include <string>
#include <vector>

#include "config/server_config.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

std::vector<server::AccessToken> accessTokens(const config::AuthConfig& auth);

//! Everything but host, port and IO threads, which depend on the listener.
server::HttpServerOptions httpOptions(const config::ServerConfig& config);

//! The stream of an SSE reaction: its path, heartbeat, queries and its own `token` (a read
//! token limited to the reaction's queries, accepted besides the server's).
server::SseStreamOptions sseStreamOptions(const config::ReactionConfig& reaction,
                                          const config::SseReactionConfig& sse);

//! "2 tokens (admin: 1, read: 1): admin, viewer" — names only, for the startup log.
std::string describeTokens(const std::vector<server::AccessToken>& tokens);

}  // namespace livedash::app
