// src/app/api_routes.cpp
#include "app/api_routes.hpp"

#include <charconv>
#include <map>

#include <fmt/format.h>

#include "app/component_json.hpp"
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

  //! Kept alive for the request even if the source is deleted meanwhile.
  std::shared_ptr<sources::EmbeddedSource> embedded(const HttpRequest& r) const {
    std::string id(r.param("id"));
    if (std::shared_ptr<sources::EmbeddedSource> store = ctx.registry.embedded(id))
      return store;
    if (ctx.registry.source(id)) {
      throw core::Error(core::ErrorCode::BadRequest,
                        fmt::format("source `{}` is not an embedded store: it has no row API", id));
    }
    throw core::Error(core::ErrorCode::SourceNotFound, fmt::format("no source `{}`", id));
  }

  //! 200 with "ok" when every running source is streaming; 503 with "degraded" while one is
  //! connecting, reconnecting or failed, so that a load balancer or an orchestrator can tell.
  //! A source stopped through the API is listed but does not count.
  HttpResponse health(const HttpRequest&) const {
    bool healthy = true;
    std::string list = "[";
    for (const SourceView& view : ctx.registry.sources()) {
      sources::SourceStatus s = view.source ? view.source->status() : sources::SourceStatus{};
      healthy = healthy && (!view.running || s.state == sources::SourceState::Streaming);
      if (list.size() > 1)
        list += ',';
      list += sourceStatusJson(view.config.id, s);
    }
    list += ']';
    return HttpResponse::json(healthy ? 200 : 503,
                              fmt::format(R"({{"status":{},"timestamp":{},"sources":{}}})",
                                          str(healthy ? "ok" : "degraded"),
                                          str(core::formatDateTime({ctx.clock.nowMs()})), list));
  }

  //! A stopped query keeps its definition but has no result: 503 `query_stopped`.
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
    if (!snapshot) {
      if (ctx.registry.query(id)) {
        throw core::Error(core::ErrorCode::QueryStopped, fmt::format("query `{}` is stopped", id),
                          std::nullopt,
                          fmt::format("POST /api/v1/queries/{}/start starts it again", id));
      }
      throw core::Error(core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", id));
    }
    return ok(engine::rowsJson(*snapshot), 200,
              fmt::format(R"(,"sequence":{})", snapshot->sequence));
  }

  //! Why each failed query failed, asked of the engine once per request.
  std::map<std::string, std::string> queryErrors() const {
    return ctx.engine.call([](engine::Engine& e) {
      std::map<std::string, std::string> out;
      for (const std::string& id : e.queryIds()) {
        if (const auto& error = e.findQuery(id)->error())
          out.emplace(id, *error);
      }
      return out;
    });
  }

  static std::optional<std::string> errorOf(const std::map<std::string, std::string>& errors,
                                            const std::string& id) {
    auto it = errors.find(id);
    return it == errors.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

  // A token limited to some queries lists only those.
  HttpResponse listQueries(const HttpRequest& r) const {
    std::map<std::string, std::string> errors = queryErrors();
    std::string out = "[";
    for (const QueryView& q : ctx.registry.queries()) {
      if (r.token && !r.token->allowsQuery(q.config.id))
        continue;
      if (out.size() > 1)
        out += ',';
      out += queryJson(q, errorOf(errors, q.config.id));
    }
    return ok(out + "]");
  }

  HttpResponse getQuery(const HttpRequest& r) const {
    std::string id(r.param("id"));
    std::optional<QueryView> q = ctx.registry.query(id);
    if (!q)
      throw core::Error(core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", id));
    return ok(queryJson(*q, errorOf(queryErrors(), id)));
  }

  HttpResponse listSources(const HttpRequest&) const {
    return ok(
        core::jsonArray(ctx.registry.sources(), [](const SourceView& s) { return sourceJson(s); }));
  }

  HttpResponse getSource(const HttpRequest& r) const {
    std::string id(r.param("id"));
    std::optional<SourceView> s = ctx.registry.source(id);
    if (!s)
      throw core::Error(core::ErrorCode::SourceNotFound, fmt::format("no source `{}`", id));
    return ok(sourceJson(*s));
  }

  HttpResponse listReactions(const HttpRequest&) const {
    return ok(core::jsonArray(ctx.registry.reactions(),
                              [](const ReactionView& r) { return reactionJson(r); }));
  }

  HttpResponse getReaction(const HttpRequest& r) const {
    std::string id(r.param("id"));
    std::optional<ReactionView> view = ctx.registry.reaction(id);
    if (!view)
      throw core::Error(core::ErrorCode::ReactionNotFound, fmt::format("no reaction `{}`", id));
    return ok(reactionJson(*view));
  }

  HttpResponse tables(const HttpRequest& r) const {
    core::List out;
    for (const sources::TableInfo& t : embedded(r)->tables()) {
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
    for (core::Map& row : embedded(r)->listRows(std::string(r.param("table")), limit, offset)) {
      out.emplace_back(std::move(row));
    }
    return ok(core::toJson(core::Value(out)));
  }

  HttpResponse insertRow(const HttpRequest& r) const {
    core::Map row = embedded(r)->insertRow(std::string(r.param("table")), objectBody(r));
    return ok(core::toJson(core::Value(row)), 201);
  }

  HttpResponse getRow(const HttpRequest& r) const {
    return ok(core::toJson(
        core::Value(embedded(r)->getRow(std::string(r.param("table")), r.param("pk")))));
  }

  HttpResponse updateRow(const HttpRequest& r) const {
    core::Map row =
        embedded(r)->updateRow(std::string(r.param("table")), r.param("pk"), objectBody(r));
    return ok(core::toJson(core::Value(row)));
  }

  HttpResponse deleteRow(const HttpRequest& r) const {
    embedded(r)->deleteRow(std::string(r.param("table")), r.param("pk"));
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
    sources::SqlResult result = embedded(r)->executeSql(statement);
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
  add("GET", "/api/v1/sources/{id}", &Routes::getSource, RouteAccess::Read);
  add("GET", "/api/v1/reactions", &Routes::listReactions, RouteAccess::Read);
  add("GET", "/api/v1/reactions/{id}", &Routes::getReaction, RouteAccess::Read);
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
