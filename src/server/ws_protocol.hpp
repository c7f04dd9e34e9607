// src/server/ws_protocol.hpp
//
// The WebSocket protocol's client messages and the server's small control messages, as plain
// data and text (no sockets, no Beast), so the session stays a thin IO layer and the rules are
// testable on their own. The full protocol is in docs/websocket.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.hpp"
#include "server/http_types.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::server {

//! RFC 6455 close codes the server sends.
enum class WsCloseCode : uint16_t {
  Normal = 1000,
  ProtocolError = 1002,    //!< a frame RFC 6455 does not allow (unmasked, bad opcode, ...)
  UnsupportedData = 1003,  //!< a binary frame: the protocol is JSON text
  InvalidPayload = 1007,   //!< text that is not JSON
  PolicyViolation = 1008,  //!< JSON that is not a message of the protocol
  TooBig = 1009,           //!< a message over WsOptions::max_message_bytes
  TryAgainLater = 1013,    //!< the client fell too far behind: refetch, then resubscribe
};

struct WsSubscribe {
  std::string query;
  WsPeriod period = WsPeriod::Live;
  std::optional<uint64_t> since;
};

struct WsUnsubscribe {
  std::string query;
  //! None: every subscription to the query.
  std::optional<WsPeriod> period;
};

struct WsPing {};

//! A message the connection cannot go on after: close with `code`, `reason` (JSON, at most the
//! 123 bytes a close frame allows).
struct WsFatal {
  WsCloseCode code;
  std::string reason;
};

//! A message that fails on its own while the connection stays usable: send `message`.
struct WsRecoverable {
  std::string message;
};

using WsClientMessage = std::variant<WsSubscribe, WsUnsubscribe, WsPing, WsFatal, WsRecoverable>;

//! Whether `request` asks to become a WebSocket: GET with `Upgrade: websocket` and an `upgrade`
//! token in `Connection`. (Beast checks the rest of the handshake.)
bool isWebSocketUpgrade(const HttpRequest& request);

//! Reads one text message from a client.
WsClientMessage parseWsClientMessage(std::string_view text);

//! `{"op":"error","query":…,"period":…,"code":…,"message":…}`; `query` empty: no query field.
std::string wsErrorMessage(std::string_view query, std::optional<WsPeriod> period,
                           core::ErrorCode code, std::string_view message);
//! `{"code":…,"message":…}` cut to fit a close frame (123 bytes), still valid JSON and UTF-8.
std::string wsCloseReason(std::string_view code, std::string_view message);

inline constexpr std::string_view kWsPong = R"({"op":"pong"})";

}  // namespace livedash::server
