// src/server/auth.hpp
//
// Bearer-token access control, Beast-free so that every entry point (REST routes, SSE streams,
// WebSocket upgrades) asks the same question the same way. Tokens are static (config or
// environment); with none configured, auth is off and everything is allowed.
//
// A request presents its token as `Authorization: Bearer <t>` or, for EventSource (which cannot
// set headers), as `?access_token=<t>`. A token is checked once per request or connection: a
// stream or socket keeps the AuthDecision it got at connect time and asks it, not the Authorizer,
// about each query later. Token values are compared in constant time and never logged; the
// `name` of a token is what logs and errors may show.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.hpp"

namespace livedash::server {

enum class TokenRole : uint8_t {
  Read,   //!< query results, SSE and WebSocket streams, listings
  Admin,  //!< also writes (row CRUD, SQL) and raw source data
};

struct AccessToken {
  std::string name;   //!< shown in logs instead of the value
  std::string value;  //!< the secret; never logged
  TokenRole role = TokenRole::Read;
  //! Query ids this token may see; empty means every query.
  std::vector<std::string> queries;

  bool allowsQuery(std::string_view query_id) const;
};

//! What a route needs. Set when the route is registered.
enum class RouteAccess : uint8_t {
  Public,  //!< no token needed (health)
  Read,    //!< any valid token
  Query,   //!< any valid token allowed to see the query named by the `{id}` path parameter
  Admin,   //!< an admin token
};

struct AuthDecision {
  enum class Outcome : uint8_t {
    Allowed,
    Missing,    //!< 401: no token presented
    Invalid,    //!< 401: a token that matches none
    Forbidden,  //!< 403: a valid token without the rights asked for
  };
  Outcome outcome = Outcome::Allowed;
  //! The caller's token; null when auth is off (or the request was refused as Missing/Invalid).
  const AccessToken* token = nullptr;
  std::string message;  //!< why it was refused

  bool allowed() const { return outcome == Outcome::Allowed; }
  //! Whether this (allowed) caller may see `query_id`.
  bool allowsQuery(std::string_view query_id) const;
  bool isAdmin() const;
  //! The JSON error for a refusal: 401 with `WWW-Authenticate: Bearer`, or 403.
  HttpResponse errorResponse() const;
};

class Authorizer {
 public:
  explicit Authorizer(std::vector<AccessToken> tokens = {});

  bool enabled() const { return !tokens_.empty(); }
  const std::vector<AccessToken>& tokens() const { return tokens_; }

  //! Who is calling: Allowed with the matching token, Missing or Invalid. Always Allowed (with
  //! no token) when auth is off.
  AuthDecision authenticate(const HttpRequest& req) const;
  //! authenticate(), then whether the caller may see `query_id` (Forbidden if not). For a
  //! WebSocket: call authenticate() once at the upgrade and keep the decision instead.
  AuthDecision check(const HttpRequest& req, std::string_view query_id) const;
  //! A WebSocket upgrade: authenticate(), once for the connection's life. Until the WebSocket
  //! session checks each subscription against the token, a token limited to some queries is
  //! refused here (403) rather than let through to every query: fail closed.
  AuthDecision checkWebSocketUpgrade(const HttpRequest& req) const;
  //! authenticate(), then what `access` needs; `query_id` is the route's `{id}` for Query.
  AuthDecision check(const HttpRequest& req, RouteAccess access,
                     std::string_view query_id = {}) const;

  //! The token the request presents (header first, then `access_token`), or empty.
  static std::string_view presentedToken(const HttpRequest& req);
  //! Compares in time that depends only on `presented`'s length, never on where they differ.
  static bool constantTimeEquals(std::string_view secret, std::string_view presented);

 private:
  std::vector<AccessToken> tokens_;
};

}  // namespace livedash::server
