// src/server/http_session.hpp
//
// Serves HTTP/1.1 on one accepted connection: reads requests with Beast, dispatches them, and
// writes responses, with keep-alive and an idle timeout, until the connection closes or becomes an
// SSE subscriber or a WebSocket session.
#pragma once

#include "server/net.hpp"
#include "server/server_context.hpp"

namespace livedash::server {

//! `socket` belongs to the io_context of IO thread `thread`; the session runs there. `ctx` must
//! outlive the session.
void startHttpSession(tcp::socket socket, const ServerContext& ctx, size_t thread);

}  // namespace livedash::server
