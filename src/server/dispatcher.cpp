// src/server/dispatcher.cpp
#include "server/dispatcher.hpp"

#include <exception>
#include <utility>

#include "server/request_target.hpp"
#include "server/server_log.hpp"
#include "server/sse_access.hpp"
#include "server/sse_stream_impl.hpp"

namespace livedash::server {

namespace {

std::string joinMethods(std::vector<std::string> methods) {
  methods.emplace_back("OPTIONS");
  std::string out;
  for (const std::string& method : methods) {
    if (!out.empty()) {
      out += ", ";
    }
    out += method;
  }
  return out;
}

HttpResponse methodNotAllowed(const HttpRequest& req, std::vector<std::string> allowed) {
  HttpResponse response = HttpResponse::error(
      core::ErrorCode::MethodNotAllowed, "method " + req.method + " not allowed for " + req.path);
  response.headers.emplace_back("Allow", joinMethods(std::move(allowed)));
  return response;
}

HttpResponse callHandler(const RouteHandler& handler, const HttpRequest& req) {
  try {
    return handler(req);
  } catch (const core::Error& e) {
    return HttpResponse::error(e.code(), e.what());
  } catch (const std::exception& e) {
    serverLog(ServerLogLevel::Error,
              "handler for " + req.method + " " + req.path + " failed: " + e.what());
  } catch (...) {
    serverLog(ServerLogLevel::Error, "handler for " + req.method + " " + req.path +
                                         " failed with a non-standard exception");
  }
  return HttpResponse::error(core::ErrorCode::Internal, "internal server error");
}

//! Methods something accepts at `path`, without OPTIONS; empty for an unknown path.
std::vector<std::string> allowedAt(const ServerContext& ctx, std::string_view path) {
  if (ctx.streams.find(path) != ctx.streams.end()) {
    return {"GET"};
  }
  if (ctx.assets.find(path) != ctx.assets.end()) {
    return {"GET", "HEAD"};
  }
  return ctx.router.match("OPTIONS", path).allowed;
}

void answerOptions(const ServerContext& ctx, const HttpRequest& req, bool cors_ok, Dispatch& d) {
  d.response.status = 204;
  d.response.content_type.clear();
  std::vector<std::string> allowed = allowedAt(ctx, req.path);
  if (allowed.empty()) {
    return;  // nothing here: no methods to offer, so no preflight answer either
  }
  const std::string methods = joinMethods(std::move(allowed));
  d.response.headers.emplace_back("Allow", methods);
  if (cors_ok && !req.header("access-control-request-method").empty()) {
    CorsPolicy::addPreflightHeaders(methods, d.response.headers);
  }
}

void route(const ServerContext& ctx, HttpRequest& req, bool cors_ok, Dispatch& d) {
  if (req.method == "OPTIONS") {
    answerOptions(ctx, req, cors_ok, d);
    return;
  }
  if (auto stream = ctx.streams.find(req.path); stream != ctx.streams.end()) {
    if (req.method != "GET") {
      d.response = methodNotAllowed(req, {"GET"});
      return;
    }
    SseStreamImpl& sse = *stream->second;
    SseAccess access = decideSseAccess(sse.authorizer(), req, sse.options().queries);
    if (access.refusal) {
      d.response = std::move(*access.refusal);
      return;
    }
    d.sse = &sse;
    d.sse_queries = std::move(access.queries);
    d.resume.since = std::move(access.since);
    if (std::string_view id = req.header("last-event-id"); !id.empty()) {
      d.resume.last_event_id = std::string(id);
    } else if (auto q = req.query.find("lastEventId"); q != req.query.end()) {
      d.resume.last_event_id = q->second;
    }
    return;
  }
  if (auto asset = ctx.assets.find(req.path); asset != ctx.assets.end()) {
    if (req.method != "GET" && req.method != "HEAD") {
      d.response = methodNotAllowed(req, {"GET", "HEAD"});
      return;
    }
    d.response.content_type = asset->second.content_type;
    d.response.body = std::string(asset->second.bytes);
    d.omit_body = req.method == "HEAD";
    return;
  }
  Router::Match match = ctx.router.match(req.method, req.path);
  if (match.handler) {
    req.path_params = std::move(match.params);
    AuthDecision who = ctx.auth.check(req, match.access, req.param("id"));
    if (!who.allowed()) {
      d.response = who.errorResponse();
      return;
    }
    req.token = who.token;
    d.response = callHandler(*match.handler, req);
    d.omit_body = req.method == "HEAD";
  } else if (match.allowed.empty()) {
    d.response = HttpResponse::error(core::ErrorCode::NotFound,
                                     "no route for " + req.method + " " + req.path);
  } else {
    d.response = methodNotAllowed(req, std::move(match.allowed));
  }
}

}  // namespace

Dispatch dispatch(const ServerContext& ctx, HttpRequest& req) {
  Dispatch d;
  const std::string_view origin = req.header("origin");
  const bool cors_ok = ctx.cors.allows(origin);
  if (!parseRequestTarget(req.target, req.path, req.query)) {
    d.response = HttpResponse::error(core::ErrorCode::BadRequest, "malformed request target");
  } else {
    route(ctx, req, cors_ok, d);
  }
  ctx.cors.addOriginHeaders(origin, d.response.headers);
  return d;
}

HttpResponse errorResponse(const ServerContext& ctx, std::string_view origin, core::ErrorCode code,
                           std::string_view message) {
  HttpResponse response = HttpResponse::error(code, message);
  ctx.cors.addOriginHeaders(origin, response.headers);
  return response;
}

}  // namespace livedash::server
