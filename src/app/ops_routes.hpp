// src/app/ops_routes.hpp
//
// The operations API (docs/operations-api.md): create, start, stop and delete sources, queries
// and reactions at run time, drasi-server style. Bodies are one entry of the config file's
// `sources:`, `queries:` or `reactions:` list, as JSON or YAML, validated by the same code as the
// file. Every route needs an admin token when auth is on.
#pragma once

#include "app/engine_thread.hpp"
#include "app/runtime_registry.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

void registerOperationsRoutes(server::HttpServer& server, EngineThread& engine,
                              RuntimeRegistry& registry);

}  // namespace livedash::app
