// src/server/ws_connection.hpp
//
// A WebSocket connection after its handshake: RFC 6455 framing over the plain TCP socket (no
// Beast), so that every byte the server sends goes through one write queue. Frames queued
// behind a write in flight go out together in the next gather write, as on the SSE path; pings,
// pongs and the close frame take the same queue, so nothing interleaves within a write.
#pragma once

#include "server/auth.hpp"
#include "server/connection_limiter.hpp"
#include "server/net.hpp"

namespace livedash::server {

class WsHub;

//! Serves `socket` (its handshake done) as a member of `hub`. `token`: what the upgrade was
//! authorized with (null when auth is off).
void serveWsConnection(tcp::socket socket, ConnectionSlot slot, WsHub& hub,
                       const AccessToken* token);

}  // namespace livedash::server
