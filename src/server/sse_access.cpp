// src/server/sse_access.cpp
#include "server/sse_access.hpp"

#include <algorithm>

namespace livedash::server {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

SseAccess refuse(core::ErrorCode code, std::string message) {
  return SseAccess{HttpResponse::error(code, message), nullptr};
}

}  // namespace

namespace {

//! Who may subscribe, and to which queries; `since` aside.
SseAccess decideQueries(const Authorizer& auth, const HttpRequest& req,
                        const std::vector<std::string>& stream_queries) {
  AuthDecision who = auth.authenticate(req);
  if (!who.allowed()) {
    return SseAccess{who.errorResponse(), nullptr};
  }
  const std::string_view token_name = who.token ? std::string_view(who.token->name) : "";
  if (auto param = req.query.find("queries"); param != req.query.end()) {
    std::vector<std::string> wanted = splitQueryList(param->second);
    if (wanted.empty()) {
      return refuse(core::ErrorCode::BadRequest, "`queries` names no query");
    }
    for (const std::string& query : wanted) {
      if (!stream_queries.empty() && !contains(stream_queries, query)) {
        return refuse(core::ErrorCode::QueryNotFound,
                      "this stream carries no query `" + query + "`");
      }
      if (!who.allowsQuery(query)) {
        return refuse(core::ErrorCode::Forbidden,
                      "token `" + std::string(token_name) + "` may not see query `" + query + "`");
      }
    }
    return SseAccess{std::nullopt,
                     std::make_shared<const std::vector<std::string>>(std::move(wanted))};
  }
  if (!who.token || who.token->queries.empty()) {
    return {};
  }
  std::vector<std::string> visible;
  for (const std::string& query : who.token->queries) {
    if (stream_queries.empty() || contains(stream_queries, query)) {
      visible.push_back(query);
    }
  }
  if (!stream_queries.empty() && visible.size() == stream_queries.size()) {
    return {};  // the token sees everything this stream carries: no filter to apply
  }
  if (visible.empty()) {
    return refuse(core::ErrorCode::Forbidden,
                  "token `" + std::string(token_name) + "` may see none of this stream's queries");
  }
  return SseAccess{std::nullopt,
                   std::make_shared<const std::vector<std::string>>(std::move(visible))};
}

}  // namespace

SseAccess decideSseAccess(const Authorizer& auth, const HttpRequest& req,
                          const std::vector<std::string>& stream_queries) {
  SseAccess access = decideQueries(auth, req, stream_queries);
  auto param = req.query.find("since");
  if (access.refusal || param == req.query.end()) {
    return access;
  }
  std::optional<std::vector<QueryPosition>> since = parseSinceList(param->second);
  if (!since) {
    return refuse(core::ErrorCode::BadRequest,
                  "`since` must list query:sequence pairs, each query once, such as "
                  "`since=order-stats:12,recent-orders:40`");
  }
  for (const QueryPosition& p : *since) {
    if (!stream_queries.empty() && !contains(stream_queries, p.query)) {
      return refuse(core::ErrorCode::QueryNotFound,
                    "this stream carries no query `" + p.query + "`");
    }
    if (!filterAllows(access.queries, p.query)) {
      return refuse(core::ErrorCode::Forbidden,
                    "`since` names query `" + p.query + "`, which this subscription does not get");
    }
  }
  access.since = std::move(*since);
  return access;
}

}  // namespace livedash::server
