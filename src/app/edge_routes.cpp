// src/app/edge_routes.cpp
#include "app/edge_routes.hpp"

#include <fmt/format.h>

#include "core/json.hpp"

namespace livedash::app {

using server::HttpRequest;
using server::HttpResponse;

void registerEdgeRoutes(server::HttpServer& server, EdgeNode& edge, const core::Clock& clock) {
  server.addRoute(
      "GET", "/health",
      [&edge, &clock](const HttpRequest&) {
        std::optional<int64_t> silent = edge.silentMs();
        const bool stale = !silent || *silent > edge.staleAfterMs();
        std::string timestamp;
        core::appendJsonString(timestamp, core::formatDateTime({clock.nowMs()}));
        return HttpResponse::json(
            200,
            fmt::format(R"({{"status":"{}","timestamp":{},"role":"edge","engine_silent_ms":{}}})",
                        stale ? "stale" : "ok", timestamp,
                        silent ? std::to_string(*silent) : std::string("null")));
      },
      server::RouteAccess::Public);
  server.addRoute(
      "GET", "/api/v1/queries/{id}/results",
      [&edge](const HttpRequest& r) {
        EdgeQueryResults results = edge.results(std::string(r.param("id")));
        return HttpResponse::json(
            200, fmt::format(R"({{"success":true,"data":{},"error":null,"sequence":{}}})",
                             results.rows_json, results.sequence));
      },
      server::RouteAccess::Query);
}

}  // namespace livedash::app
