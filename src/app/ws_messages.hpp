// src/app/ws_messages.hpp
//
// The server-to-client WebSocket messages that carry query data (docs/websocket.md). Each is
// built once per (query, sequence) or (query, boundary) and shared by every subscriber.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace livedash::app
