// src/config/reaction_config.hpp
//
// `reactions:` entries. Routes are keyed by query id and then by the kind of change
// (added/updated/deleted), as in drasi-server; templates use Handlebars syntax.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config_enums.hpp"
#include "config/config_location.hpp"

namespace livedash::config {

//! What to do for one kind of change. Which fields exist depends on the reaction kind.
template <class Action>
struct ChangeRoutes {
  std::optional<Action> added;
  std::optional<Action> updated;
  std::optional<Action> deleted;
};

struct LogAction {
  std::string template_text;  //!< YAML `template`
};

struct SseAction {
  std::string template_text;  //!< YAML `template`
  //! Absolute (`/sensors`) or relative to sse_path (`sensors`); empty means sse_path.
  std::string path;
};

struct HttpAction {
  std::string url;  //!< absolute, or relative to base_url
  HttpMethod method = HttpMethod::Post;
  std::string body;  //!< template; empty sends the change as JSON
  std::map<std::string, std::string> headers;
};

//! query id → routes for that query.
template <class Action>
using RouteTable = std::map<std::string, ChangeRoutes<Action>>;

struct SseReactionConfig {
  std::string host = "0.0.0.0";
  //! When absent, the stream is served on the main port.
  std::optional<uint16_t> port;
  std::string sse_path = "/events";
  uint32_t heartbeat_interval_ms = 30000;
  //! The `Last-Event-ID` replay log's retention: whichever bound is reached first drops the
  //! oldest message. A client asking for something older is told `must-refetch`.
  uint32_t replay_messages = 4096;
  uint32_t replay_bytes = 16u << 20;
  //! Messages one client may fall behind before it is sent `must-refetch` and dropped.
  uint32_t max_queued_messages = 1024;
  RouteTable<SseAction> routes;
  std::string default_template;
  //! Bearer token clients must present; empty means no auth.
  std::string token;
  std::vector<std::string> cors_origins = {"*"};
};

struct LogReactionConfig {
  RouteTable<LogAction> routes;
  std::string default_template;
};

//! drasi's `http` reaction (also spelled `webhook`). A query without routes gets one POST per
//! diff (the SSE data shape) to base_url. URLs are http:// or https://.
struct HttpReactionConfig {
  std::string base_url;
  uint32_t timeout_ms = 10000;
  std::string token;                           //!< sent as a bearer token when set
  std::map<std::string, std::string> headers;  //!< on every request (ours, not drasi's)
  //! https: the CAs to trust instead of the system's, a PEM file (absolute once loaded).
  std::string ca_file;
  RouteTable<HttpAction> routes;
  // Delivery (ours): attempts including the first, the first retry delay (doubling, jittered,
  // capped at retry_max_ms), and how many requests may wait before the oldest is dropped.
  uint32_t max_attempts = 5;
  uint32_t retry_initial_ms = 200;
  uint32_t retry_max_ms = 10000;
  uint32_t queue_capacity = 1000;
};

struct ReactionConfig {
  ReactionKind kind = ReactionKind::Log;
  std::string id;
  std::vector<std::string> queries;
  bool auto_start = true;
  std::variant<LogReactionConfig, SseReactionConfig, HttpReactionConfig> settings;
  ConfigLocation location;

  const SseReactionConfig* sse() const { return std::get_if<SseReactionConfig>(&settings); }
  const LogReactionConfig* log() const { return std::get_if<LogReactionConfig>(&settings); }
  const HttpReactionConfig* http() const { return std::get_if<HttpReactionConfig>(&settings); }
};

}  // namespace livedash::config
