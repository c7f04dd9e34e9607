// src/server/server_context.hpp
//
// What the server serves: routes, assets, SSE streams, and the CORS, auth and connection policies.
// Filled in before start(), then read-only, so every IO thread reads it without locks.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "server/auth.hpp"
#include "server/connection_limiter.hpp"
#include "server/cors.hpp"
#include "server/http_server.hpp"
#include "server/router.hpp"

namespace livedash::server {

class SseStreamImpl;
class WsEndpointImpl;

struct Asset {
  std::string content_type;
  std::string_view bytes;
};

struct ServerContext {
  HttpServerOptions options;
  CorsPolicy cors;
  Authorizer auth;
  //! Shared with the connections' slots, which may be released on any IO thread.
  ConnectionLimiterSharedPtr connections = std::make_shared<ConnectionLimiter>(0);
  Router router;
  std::map<std::string, Asset, std::less<>> assets;
  std::map<std::string, std::shared_ptr<SseStreamImpl>, std::less<>> streams;
  //! The WebSocket endpoint, when one is registered.
  std::shared_ptr<WsEndpointImpl> websocket;
};

}  // namespace livedash::server
