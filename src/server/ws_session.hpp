// src/server/ws_session.hpp
//
// One WebSocket connection, as its hub sees it (implemented in ws_connection.cpp), and the
// handshake that starts one (ws_session.cpp, the only file that includes Beast's websocket
// headers, which compile slowly). Runs on its hub's IO thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "server/connection_limiter.hpp"
#include "server/http_types.hpp"
#include "server/net.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::server {

class WsHub;

class WsSession {
 public:
  virtual ~WsSession() = default;
  virtual uint64_t id() const = 0;
  //! A published frame on a channel this session is subscribed to.
  virtual void deliver(const core::FrameConstSharedPtr& frame) = 0;
  //! The backend accepted a pending subscribe; see WsEndpoint::accept.
  virtual void accepted(const std::string& channel, std::vector<core::FrameConstSharedPtr> preamble,
                        uint64_t last_sequence, WsLease lease) = 0;
  virtual void rejected(const std::string& channel, core::FrameConstSharedPtr error) = 0;
  //! The hub's liveness sweep number `count`: ping a connection silent for half the idle
  //! timeout, cut off one silent for all of it. May end the session (and remove it from the hub).
  virtual void sweep(uint32_t count) = 0;
};

//! Completes the WebSocket handshake for `request` (an upgrade the HTTP session read) on
//! `socket`, then serves the connection as a member of `hub`. `slot` counts the connection
//! against its address's cap until it closes.
void startWsSession(tcp::socket socket, HttpRequest request, ConnectionSlot slot, WsHub& hub);

}  // namespace livedash::server
