// src/app/http_options.cpp
#include "app/http_options.hpp"

#include <fmt/format.h>

namespace livedash::app {

std::vector<server::AccessToken> accessTokens(const config::AuthConfig& auth) {
  std::vector<server::AccessToken> out;
  for (const config::TokenConfig& t : auth.tokens) {
    out.push_back(server::AccessToken{
        t.name, t.token,
        t.role == config::TokenRole::Admin ? server::TokenRole::Admin : server::TokenRole::Read,
        t.queries});
  }
  return out;
}

server::HttpServerOptions httpOptions(const config::ServerConfig& config) {
  server::HttpServerOptions http;
  http.cors_origins = config.cors_origins;
  http.max_body_bytes = config.limits.max_body_bytes;
  http.max_header_bytes = config.limits.max_header_bytes;
  http.idle_timeout_seconds = static_cast<int>(config.limits.idle_timeout_seconds);
  http.max_connections_per_ip = config.limits.max_connections_per_ip;
  http.tokens = accessTokens(config.auth);
  return http;
}

server::SseStreamOptions sseStreamOptions(const config::ReactionConfig& reaction,
                                          const config::SseReactionConfig& sse) {
  server::SseStreamOptions stream;
  stream.path = sse.sse_path;
  stream.heartbeat_interval_ms = static_cast<int>(sse.heartbeat_interval_ms);
  stream.replay_frames = sse.replay_messages;
  stream.replay_bytes = sse.replay_bytes;
  stream.max_queued_frames = sse.max_queued_messages;
  stream.queries = reaction.queries;
  if (!sse.token.empty()) {
    stream.tokens.push_back(server::AccessToken{"reaction " + reaction.id, sse.token,
                                                server::TokenRole::Read, reaction.queries});
  }
  return stream;
}

std::string describeTokens(const std::vector<server::AccessToken>& tokens) {
  size_t admins = 0;
  std::string names;
  for (const server::AccessToken& t : tokens) {
    admins += t.role == server::TokenRole::Admin ? 1 : 0;
    names += fmt::format("{}{}", names.empty() ? "" : ", ", t.name);
  }
  return fmt::format("{} token{} (admin: {}, read: {}): {}", tokens.size(),
                     tokens.size() == 1 ? "" : "s", admins, tokens.size() - admins, names);
}

}  // namespace livedash::app
