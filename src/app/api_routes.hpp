// src/app/api_routes.hpp
#pragma once

#include "app/engine_thread.hpp"
#include "app/runtime_registry.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

struct ApiContext {
  EngineThread& engine;
  //! The sources, queries and reactions as they are now (the operations API changes them).
  const RuntimeRegistry& registry;
  const core::Clock& clock;
};

//! `/health`, `/api/v1/queries…`, `/api/v1/sources…` (row CRUD and SQL for embedded sources)
//! and `/api/v1/reactions` (the reading side; ops_routes.hpp has the rest). Every error is the JSON
//! envelope with its status.
void registerApiRoutes(server::HttpServer& server, ApiContext context);

}  // namespace livedash::app
