// src/server/auth.cpp
#include "server/auth.hpp"

#include <algorithm>
#include <cctype>

namespace livedash::server {

namespace {

constexpr std::string_view kBearer = "bearer";

AuthDecision refuse(AuthDecision::Outcome outcome, std::string message,
                    const AccessToken* token = nullptr) {
  AuthDecision d;
  d.outcome = outcome;
  d.token = token;
  d.message = std::move(message);
  return d;
}

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

bool AccessToken::allowsQuery(std::string_view query_id) const {
  return queries.empty() || std::find(queries.begin(), queries.end(), query_id) != queries.end();
}

bool AuthDecision::allowsQuery(std::string_view query_id) const {
  return allowed() && (!token || token->allowsQuery(query_id));
}

bool AuthDecision::isAdmin() const {
  return allowed() && (!token || token->role == TokenRole::Admin);
}

HttpResponse AuthDecision::errorResponse() const {
  if (outcome == Outcome::Forbidden) {
    return HttpResponse::error(core::ErrorCode::Forbidden, message);
  }
  HttpResponse response = HttpResponse::error(core::ErrorCode::Unauthorized, message);
  // RFC 6750: no error attribute when the request had no credentials at all.
  response.headers.emplace_back("WWW-Authenticate",
                                outcome == Outcome::Missing
                                    ? R"(Bearer realm="livedash")"
                                    : R"(Bearer realm="livedash", error="invalid_token")");
  return response;
}

Authorizer::Authorizer(std::vector<AccessToken> tokens) : tokens_(std::move(tokens)) {}

std::string_view Authorizer::presentedToken(const HttpRequest& req) {
  std::string_view header = req.header("authorization");
  if (startsWithIgnoreCase(header, kBearer) && header.size() > kBearer.size() &&
      header[kBearer.size()] == ' ') {
    std::string_view token = header.substr(kBearer.size() + 1);
    while (!token.empty() && token.front() == ' ') {
      token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
      token.remove_suffix(1);
    }
    return token;
  }
  return req.queryParam("access_token");
}

bool Authorizer::constantTimeEquals(std::string_view secret, std::string_view presented) {
  // Walk the presented token (whose length the caller knows anyway), never stopping early, so
  // the time taken says nothing about the secret's length or where the two differ.
  if (secret.empty()) {
    return false;
  }
  unsigned char diff = secret.size() == presented.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i) {
    diff |= static_cast<unsigned char>(secret[i % secret.size()] ^ presented[i]);
  }
  return diff == 0;
}

AuthDecision Authorizer::authenticate(const HttpRequest& req) const {
  if (!enabled()) {
    return {};
  }
  std::string_view presented = presentedToken(req);
  if (presented.empty()) {
    return refuse(AuthDecision::Outcome::Missing,
                  "a bearer token is required (Authorization header or access_token parameter)");
  }
  // Every token is compared, so the time taken does not tell which one (if any) matched.
  const AccessToken* match = nullptr;
  for (const AccessToken& token : tokens_) {
    if (constantTimeEquals(token.value, presented) && !match) {
      match = &token;
    }
  }
  if (!match) {
    return refuse(AuthDecision::Outcome::Invalid, "the bearer token is not valid");
  }
  AuthDecision d;
  d.token = match;
  return d;
}

AuthDecision Authorizer::checkWebSocketUpgrade(const HttpRequest& req) const {
  // A token limited to some queries may connect; each subscribe is checked against it.
  return authenticate(req);
}

AuthDecision Authorizer::check(const HttpRequest& req, std::string_view query_id) const {
  return check(req, RouteAccess::Query, query_id);
}

AuthDecision Authorizer::check(const HttpRequest& req, RouteAccess access,
                               std::string_view query_id) const {
  if (access == RouteAccess::Public) {
    return {};
  }
  AuthDecision d = authenticate(req);
  if (!d.allowed() || !d.token) {
    return d;
  }
  if (access == RouteAccess::Admin && d.token->role != TokenRole::Admin) {
    return refuse(AuthDecision::Outcome::Forbidden,
                  "token `" + d.token->name + "` is read-only; this needs an admin token", d.token);
  }
  if (access == RouteAccess::Query && !d.token->allowsQuery(query_id)) {
    return refuse(AuthDecision::Outcome::Forbidden,
                  "token `" + d.token->name + "` may not see query `" + std::string(query_id) + "`",
                  d.token);
  }
  return d;
}

}  // namespace livedash::server
