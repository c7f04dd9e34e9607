// src/app/edge_routes.cpp
#include "app/edge_routes.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
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
        EdgeQueryResults results;
        try {
          results = edge.results(std::string(r.param("id")));
        } catch (const core::Error& e) {
          if (e.code() != core::ErrorCode::Internal) {
            throw;
          }
          // JetStream moving a leader after losing a node, or out of reach: a 503 says "retry"
          // to clients and load balancers, where a 500 would say "broken".
          throw core::Error(core::ErrorCode::SourceUnavailable, e.what(), std::nullopt,
                            "JetStream did not answer in time; retry shortly");
        }
        return HttpResponse::json(
            200, fmt::format(R"({{"success":true,"data":{},"error":null,"sequence":{}}})",
                             results.rows_json, results.sequence));
      },
      server::RouteAccess::Query);
}

}  // namespace livedash::app
