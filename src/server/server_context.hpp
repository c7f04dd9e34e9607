// src/server/server_context.hpp
//
// What the server serves: routes, assets, SSE streams and the CORS policy. Filled in before
// start(), then read-only, so every IO thread reads it without locks.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "server/cors.hpp"
#include "server/http_server.hpp"
#include "server/router.hpp"

namespace livedash::server {

class SseStreamImpl;

struct Asset {
  std::string content_type;
  std::string_view bytes;
};

struct ServerContext {
  HttpServerOptions options;
  CorsPolicy cors;
  Router router;
  std::map<std::string, Asset, std::less<>> assets;
  std::map<std::string, std::shared_ptr<SseStreamImpl>, std::less<>> streams;
};

}  // namespace livedash::server
