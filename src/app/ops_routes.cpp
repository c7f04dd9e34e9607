// src/app/ops_routes.cpp
#include "app/ops_routes.hpp"

#include <fmt/format.h>

#include "app/component_json.hpp"
#include "config/entry_loader.hpp"

namespace livedash::app {

using server::HttpRequest;
using server::HttpResponse;

namespace {

// Problems in a body are located in it: "body:3:12: query: …".
constexpr const char* kBodyName = "body";

HttpResponse ok(int status, const std::string& data_json) {
  return HttpResponse::json(status, R"({"success":true,"data":)" + data_json + R"(,"error":null})");
}

HttpResponse created(const std::string& kind, const std::string& id, const std::string& data_json) {
  HttpResponse r = ok(201, data_json);
  r.headers.emplace_back("Location", fmt::format("/api/v1/{}/{}", kind, id));
  return r;
}

void requireBody(const HttpRequest& r) {
  if (r.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Error(core::ErrorCode::BadRequest, "the request body is empty", std::nullopt,
                      "send one entry of the config's list, as JSON or YAML");
  }
}

struct Operations {
  EngineThread& engine;
  RuntimeRegistry& registry;

  std::optional<std::string> queryError(const std::string& id) const {
    return engine.call([&](engine::Engine& e) -> std::optional<std::string> {
      const engine::ContinuousQuery* q = e.findQuery(id);
      return q ? q->error() : std::nullopt;
    });
  }

  // What an operation left, read back (another request may have deleted it since).
  std::string sourceData(const std::string& id) const {
    return sourceJson(existing(registry.source(id), core::ErrorCode::SourceNotFound, id));
  }
  std::string queryData(const std::string& id) const {
    return queryJson(existing(registry.query(id), core::ErrorCode::QueryNotFound, id),
                     queryError(id));
  }
  std::string reactionData(const std::string& id) const {
    return reactionJson(existing(registry.reaction(id), core::ErrorCode::ReactionNotFound, id));
  }

  template <class View>
  static View existing(std::optional<View> view, core::ErrorCode code, const std::string& id) {
    if (!view)
      throw core::Error(code, fmt::format("`{}` was deleted meanwhile", id));
    return std::move(*view);
  }

  HttpResponse createSource(const HttpRequest& r) {
    requireBody(r);
    config::SourceConfig source = config::loadSourceEntry(r.body, kBodyName);
    std::string id = source.id;
    registry.addSource(std::move(source));
    return created("sources", id, sourceData(id));
  }

  HttpResponse createQuery(const HttpRequest& r) {
    requireBody(r);
    config::QueryConfig query = config::loadQueryEntry(r.body, kBodyName, registry.knownIds());
    std::string id = query.id;
    registry.addQuery(std::move(query));
    return created("queries", id, queryData(id));
  }

  HttpResponse createReaction(const HttpRequest& r) {
    requireBody(r);
    config::ReactionConfig reaction =
        config::loadReactionEntry(r.body, kBodyName, registry.knownIds());
    std::string id = reaction.id;
    registry.addReaction(std::move(reaction), Origin::Api);
    return created("reactions", id, reactionData(id));
  }
};

//! One kind's lifecycle routes: the registry's operations, and how an item of it is shown.
struct Lifecycle {
  const char* collection;  //!< "sources": the path segment
  void (RuntimeRegistry::*start)(const std::string&);
  void (RuntimeRegistry::*stop)(const std::string&);
  void (RuntimeRegistry::*remove)(const std::string&);
  std::string (Operations::*data)(const std::string&) const;
};

const Lifecycle kLifecycles[] = {
    {"sources", &RuntimeRegistry::startSource, &RuntimeRegistry::stopSource,
     &RuntimeRegistry::deleteSource, &Operations::sourceData},
    {"queries", &RuntimeRegistry::startQuery, &RuntimeRegistry::stopQuery,
     &RuntimeRegistry::deleteQuery, &Operations::queryData},
    {"reactions", &RuntimeRegistry::startReaction, &RuntimeRegistry::stopReaction,
     &RuntimeRegistry::deleteReaction, &Operations::reactionData},
};

}  // namespace

void registerOperationsRoutes(server::HttpServer& server, EngineThread& engine,
                              RuntimeRegistry& registry) {
  using server::RouteAccess;
  auto ops = std::make_shared<Operations>(Operations{engine, registry});
  auto create = [&server, ops](const char* collection,
                               HttpResponse (Operations::*handler)(const HttpRequest&)) {
    server.addRoute(
        "POST", fmt::format("/api/v1/{}", collection),
        [ops, handler](const HttpRequest& r) { return ((*ops).*handler)(r); }, RouteAccess::Admin);
  };
  create("sources", &Operations::createSource);
  create("queries", &Operations::createQuery);
  create("reactions", &Operations::createReaction);
  for (const Lifecycle& kind : kLifecycles) {
    const std::string item = fmt::format("/api/v1/{}/{{id}}", kind.collection);
    // Start and stop answer with the item as the operation left it.
    auto change = [ops, &kind](void (RuntimeRegistry::*operation)(const std::string&)) {
      return [ops, &kind, operation](const HttpRequest& r) {
        std::string id(r.param("id"));
        (ops->registry.*operation)(id);
        return ok(200, ((*ops).*kind.data)(id));
      };
    };
    server.addRoute("POST", item + "/start", change(kind.start), RouteAccess::Admin);
    server.addRoute("POST", item + "/stop", change(kind.stop), RouteAccess::Admin);
    server.addRoute(
        "DELETE", item,
        [ops, &kind](const HttpRequest& r) {
          (ops->registry.*kind.remove)(std::string(r.param("id")));
          return ok(200, "null");
        },
        RouteAccess::Admin);
  }
}

}  // namespace livedash::app
