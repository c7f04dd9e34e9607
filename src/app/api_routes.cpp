// src/app/api_routes.cpp
#include "app/api_routes.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/json.hpp"
#include "engine/query_diff.hpp"
#include "server/auth.hpp"

namespace livedash::app {

using server::HttpRequest;
using server::HttpResponse;

namespace {

HttpResponse ok(std::string data_json, int status = 200, std::string extra = {}) {
  return HttpResponse::json(
      status, R"({"success":true,"data":)" + data_json + R"(,"error":null)" + extra + "}");
}

std::string str(std::string_view s) {
  std::string out;
  core::appendJsonString(out, s);
  return out;
}

size_t sizeParam(const HttpRequest& r, std::string_view name, size_t fallback, size_t max) {
  std::string_view text = r.queryParam(name);
  if (text.empty())
    return fallback;
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw core::Error(core::ErrorCode::BadRequest,
                      fmt::format("query parameter `{}` must be a non-negative integer", name));
  }
  return std::min(value, max);
}

core::Map objectBody(const HttpRequest& r) {
  core::Value body = core::parseJson(r.body);
  if (!body.isMap()) {
    throw core::Error(core::ErrorCode::BadRequest, "the request body must be a JSON object");
  }
  return body.asMap();
}

struct Routes {
  ApiContext ctx;

  sources::EmbeddedSource& embedded(const HttpRequest& r) const {
    std::string id(r.param("id"));
    auto it = ctx.embedded_sources.find(id);
    if (it != ctx.embedded_sources.end())
      return *it->second;
    for (const config::SourceConfig& s : ctx.config.sources) {
      if (s.id == id) {
        throw core::Error(
            core::ErrorCode::BadRequest,
            fmt::format("source `{}` is not an embedded store: it has no row API", id));
      }
    }
    throw core::Error(core::ErrorCode::SourceNotFound, fmt::format("no source `{}`", id));
  }

  //! 200 with "ok" when every source is streaming; 503 with "degraded" while one is connecting,
  //! reconnecting or failed, so that a load balancer or an orchestrator can tell.
  HttpResponse health(const HttpRequest&) const {
    bool healthy = true;
    std::string list = "[";
    for (const auto& [id, source] : ctx.sources) {
      sources::SourceStatus s = source->status();
      healthy = healthy && s.state == sources::SourceState::Streaming;
      if (list.size() > 1)
        list += ',';
      list += sourceStatusJson(id, s);
    }
    list += ']';
    return HttpResponse::json(healthy ? 200 : 503,
                              fmt::format(R"({{"status":{},"timestamp":{},"sources":{}}})",
                                          str(healthy ? "ok" : "degraded"),
                                          str(core::formatDateTime({ctx.clock.nowMs()})), list));
  }

  static std::string sourceStatusJson(const std::string& id, const sources::SourceStatus& s) {
    std::string out = fmt::format(R"({{"id":{},"state":{},"reconnects":{})", str(id),
                                  str(sources::sourceStateName(s.state)), s.reconnects);
    if (!s.message.empty())
      out += fmt::format(R"(,"message":{})", str(s.message));
    if (!s.position.empty())
      out += fmt::format(R"(,"position":{})", str(s.position));
    if (s.last_commit_ms > 0)
      out += fmt::format(R"(,"lastCommit":{})", str(core::formatDateTime({s.last_commit_ms})));
    return out + "}";
  }

  HttpResponse queryResults(const HttpRequest& r) const {
    std::string id(r.param("id"));
    auto snapshot = ctx.engine.call([&](engine::Engine& e) -> std::optional<engine::QuerySnapshot> {
      const engine::ContinuousQuery* q = e.findQuery(id);
      if (!q)
        return std::nullopt;
      if (q->error())
        throw core::Error(core::ErrorCode::QueryFailed,
                          fmt::format("query `{}` failed: {}", id, *q->error()));
      return q->snapshot();
    });
    if (!snapshot)
      throw core::Error(core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", id));
    return ok(engine::rowsJson(*snapshot), 200,
              fmt::format(R"(,"sequence":{})", snapshot->sequence));
  }

  std::string queryJson(const config::QueryConfig& q) const {
    std::optional<std::string> error = ctx.engine.call([&](engine::Engine& e) {
      const engine::ContinuousQuery* running = e.findQuery(q.id);
      return running ? running->error() : std::optional<std::string>();
    });
    std::string status = error ? R"("Error","error":)" + str(*error) : R"("Running")";
    return fmt::format(R"({{"id":{},"status":{},"query":{},"links":{{"results":{}}}}})", str(q.id),
                       status, str(q.query), str("/api/v1/queries/" + q.id + "/results"));
  }

  // A token limited to some queries lists only those.
  HttpResponse listQueries(const HttpRequest& r) const {
    std::string out = "[";
    for (const config::QueryConfig& q : ctx.config.queries) {
      if (r.token && !r.token->allowsQuery(q.id))
        continue;
      if (out.size() > 1)
        out += ',';
      out += queryJson(q);
    }
    return ok(out + "]");
  }

  HttpResponse getQuery(const HttpRequest& r) const {
    for (const config::QueryConfig& q : ctx.config.queries) {
      if (q.id == r.param("id"))
        return ok(queryJson(q));
    }
    throw core::Error(core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", r.param("id")));
  }

  HttpResponse listSources(const HttpRequest&) const {
    std::string out = "[";
    for (const config::SourceConfig& s : ctx.config.sources) {
      if (out.size() > 1)
        out += ',';
      bool embedded = s.kind == config::SourceKind::Embedded;
      auto running = ctx.sources.find(s.id);
      sources::SourceStatus status;
      if (running != ctx.sources.end())
        status = running->second->status();
      out += fmt::format(R"({{"id":{},"kind":{},"status":{},"state":{}}})", str(s.id),
                         str(embedded ? "embedded" : "postgres"),
                         str(status.state == sources::SourceState::Stopped ? "Stopped" : "Running"),
                         sourceStatusJson(s.id, status));
    }
    return ok(out + "]");
  }

  HttpResponse listReactions(const HttpRequest&) const {
    std::string out = "[";
    for (const config::ReactionConfig& r : ctx.config.reactions) {
      if (out.size() > 1)
        out += ',';
      core::List queries(r.queries.begin(), r.queries.end());
      out += fmt::format(R"({{"id":{},"status":"Running","queries":{}}})", str(r.id),
                         core::toJson(core::Value(queries)));
    }
    return ok(out + "]");
  }

  HttpResponse tables(const HttpRequest& r) const {
    core::List out;
    for (const sources::TableInfo& t : embedded(r).tables()) {
      core::List columns;
      for (const sources::ColumnInfo& c : t.columns) {
        columns.emplace_back(core::Map{{"name", core::Value(c.name)},
                                       {"type", core::Value(c.declared_type)},
                                       {"primaryKey", core::Value(c.pk > 0)}});
      }
      out.emplace_back(core::Map{{"name", core::Value(t.name)}, {"columns", core::Value(columns)}});
    }
    return ok(core::toJson(core::Value(out)));
  }

  HttpResponse listRows(const HttpRequest& r) const {
    size_t limit = sizeParam(r, "limit", 100, 10'000);
    size_t offset = sizeParam(r, "offset", 0, SIZE_MAX);
    core::List out;
    for (core::Map& row : embedded(r).listRows(std::string(r.param("table")), limit, offset)) {
      out.emplace_back(std::move(row));
    }
    return ok(core::toJson(core::Value(out)));
  }

  HttpResponse insertRow(const HttpRequest& r) const {
    core::Map row = embedded(r).insertRow(std::string(r.param("table")), objectBody(r));
    return ok(core::toJson(core::Value(row)), 201);
  }

  HttpResponse getRow(const HttpRequest& r) const {
    return ok(core::toJson(
        core::Value(embedded(r).getRow(std::string(r.param("table")), r.param("pk")))));
  }

  HttpResponse updateRow(const HttpRequest& r) const {
    core::Map row =
        embedded(r).updateRow(std::string(r.param("table")), r.param("pk"), objectBody(r));
    return ok(core::toJson(core::Value(row)));
  }

  HttpResponse deleteRow(const HttpRequest& r) const {
    embedded(r).deleteRow(std::string(r.param("table")), r.param("pk"));
    return HttpResponse{204, "application/json", "", {}};
  }

  // The statement comes as {"sql": "…"} (JSON) or as the raw body (text/plain, application/sql).
  HttpResponse sql(const HttpRequest& r) const {
    std::string statement = r.body;
    if (r.header("content-type").starts_with("application/json")) {
      core::Map body = objectBody(r);
      auto it = body.find("sql");
      if (it == body.end() || !it->second.isString()) {
        throw core::Error(core::ErrorCode::BadRequest, "the body needs a string field `sql`");
      }
      statement = it->second.asString();
    }
    sources::SqlResult result = embedded(r).executeSql(statement);
    core::List columns(result.columns.begin(), result.columns.end());
    core::List rows(result.rows.begin(), result.rows.end());
    core::Map data{{"columns", core::Value(columns)},
                   {"rows", core::Value(rows)},
                   {"changes", core::Value(result.changes)},
                   {"truncated", core::Value(result.truncated)}};
    return ok(core::toJson(core::Value(data)));
  }
};

}  // namespace

void registerApiRoutes(server::HttpServer& server, ApiContext context) {
  using server::RouteAccess;
  auto routes = std::make_shared<Routes>(Routes{context});
  auto add = [&server, routes](const char* method, const std::string& pattern,
                               HttpResponse (Routes::*handler)(const HttpRequest&) const,
                               RouteAccess access) {
    server.addRoute(
        method, pattern,
        [routes, handler](const HttpRequest& r) { return ((*routes).*handler)(r); }, access);
  };
  // With auth on: health is public; a query's own routes need a token allowed to see it; raw
  // source data (tables, rows, SQL) bypasses the per-query limits, so it needs an admin token.
  add("GET", "/health", &Routes::health, RouteAccess::Public);
  add("GET", "/api/v1/queries", &Routes::listQueries, RouteAccess::Read);
  add("GET", "/api/v1/queries/{id}", &Routes::getQuery, RouteAccess::Query);
  add("GET", "/api/v1/queries/{id}/results", &Routes::queryResults, RouteAccess::Query);
  add("GET", "/api/v1/sources", &Routes::listSources, RouteAccess::Read);
  add("GET", "/api/v1/reactions", &Routes::listReactions, RouteAccess::Read);
  add("GET", "/api/v1/sources/{id}/tables", &Routes::tables, RouteAccess::Admin);
  const std::string rows = "/api/v1/sources/{id}/tables/{table}/rows";
  add("GET", rows, &Routes::listRows, RouteAccess::Admin);
  add("POST", rows, &Routes::insertRow, RouteAccess::Admin);
  add("GET", rows + "/{pk}", &Routes::getRow, RouteAccess::Admin);
  add("PUT", rows + "/{pk}", &Routes::updateRow, RouteAccess::Admin);
  add("PATCH", rows + "/{pk}", &Routes::updateRow, RouteAccess::Admin);
  add("DELETE", rows + "/{pk}", &Routes::deleteRow, RouteAccess::Admin);
  add("POST", "/api/v1/sources/{id}/sql", &Routes::sql, RouteAccess::Admin);
}

}  // namespace livedash::app
