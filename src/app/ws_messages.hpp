// src/app/ws_messages.hpp
//
// The server-to-client WebSocket messages that carry query data (docs/websocket.md). Each is
// built once per (query, sequence) or (query, boundary) and shared by every subscriber.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "engine/query_diff.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

//! `{"op":"snapshot","query","period":"live","sequence","data":[rows]}`
std::string wsSnapshotMessage(std::string_view query, const engine::QuerySnapshot& snapshot);
//! The same from rows already encoded (`[row,…]`), as an edge holds them.
std::string wsSnapshotMessage(std::string_view query, uint64_t sequence,
                              std::string_view rows_json);
//! `{"op":"resumed","query","period":"live","since","sequence"}`: the diffs after `since` follow.
std::string wsResumedMessage(std::string_view query, uint64_t since, uint64_t sequence);
//! `{"op":"diff",…}` with the SSE `data` shape (queryId, sequence, timestamp, added, updated,
//! deleted) after the op; `diff_json` is engine::diffJson of the diff.
std::string wsDiffMessage(std::string_view diff_json);
//! `{"op":"value","query","period","boundary","sequence","data":[rows]}`
std::string wsValueMessage(std::string_view query, server::WsPeriod period, int64_t boundary_ms,
                           const engine::QuerySnapshot& snapshot);
//! The same from rows already encoded (`[row,…]`), as an edge holds them.
std::string wsValueMessage(std::string_view query, server::WsPeriod period, int64_t boundary_ms,
                           uint64_t sequence, std::string_view rows_json);

//! A frame of `bytes` on `channel`; sequence 0 keeps it outside the channel's order (values,
//! errors and other control messages).
core::FrameConstSharedPtr wsFrame(std::string channel, uint64_t sequence, std::string bytes);
//! Refuses `request` with an `error` message; the connection stays usable.
void wsReject(server::WsEndpoint& endpoint, const server::WsSubscribeRequest& request,
              core::ErrorCode code, const std::string& message);

}  // namespace livedash::app
