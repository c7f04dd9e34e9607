// src/app/api_routes.hpp
#pragma once

#include <map>
#include <memory>
#include <string>

#include "app/engine_thread.hpp"
#include "config/server_config.hpp"
#include "server/http_server.hpp"
#include "sources/embedded/embedded_source.hpp"

namespace livedash::app {

struct ApiContext {
  EngineThread& engine;
  const std::map<std::string, std::unique_ptr<sources::EmbeddedSource>>& embedded_sources;
  //! Every source by id (embedded ones included), for /health and the source list.
  const std::map<std::string, sources::Source*>& sources;
  const config::ServerConfig& config;
  const core::Clock& clock;
};

//! `/health`, `/api/v1/queries…`, `/api/v1/sources…` (row CRUD and SQL for embedded sources)
//! and `/api/v1/reactions`. Every error is the JSON envelope with its status.
void registerApiRoutes(server::HttpServer& server, ApiContext context);

}  // namespace livedash::app
