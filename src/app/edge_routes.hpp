// src/app/edge_routes.hpp
#pragma once

#include "app/edge_node.hpp"
#include "core/clock.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

//! An edge's `/health` (200 either way: `ok`, or `stale` with how long the engines have been
//! silent, so a load balancer keeps serving the last state) and
//! `/api/v1/queries/{id}/results` from JetStream, in the single process's shapes.
void registerEdgeRoutes(server::HttpServer& server, EdgeNode& edge, const core::Clock& clock);

}  // namespace livedash::app
