// src/server/http_types.hpp
//
// Plain request and response types for route handlers, so that nothing above the server sees
// Beast or Asio.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace livedash::server {

struct AccessToken;

struct HttpRequest {
  std::string method;                        //!< upper case: GET, POST, PUT, PATCH, DELETE, OPTIONS
  std::string target;                        //!< as received, with the query string
  std::string path;                          //!< percent-decoded path, without the query string
  std::map<std::string, std::string> query;  //!< decoded query parameters
  std::map<std::string, std::string> path_params;  //!< from `{name}` segments of the route
  std::vector<std::pair<std::string, std::string>> headers;  //!< names in lower case
  std::string body;
  std::string remote_address;
  //! The caller's token once auth let the request through; null when auth is off or the route
  //! is public. Handlers use it to narrow what they list (auth.hpp).
  const AccessToken* token = nullptr;

  //! Header value by case-insensitive name, or empty.
  std::string_view header(std::string_view name) const;
  //! Query parameter by name, or empty.
  std::string_view queryParam(std::string_view name) const;
  //! Path parameter by name (from `{name}` in the route pattern), or empty.
  std::string_view param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, std::string body);
  //! The JSON error envelope, with the status that the code maps to.
  static HttpResponse error(core::ErrorCode code, std::string_view message);
};

//! Runs on an IO thread. It may block briefly (for example to ask the engine thread for a
//! snapshot). A thrown core::Error becomes its JSON error; any other exception becomes a 500.
using RouteHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace livedash::server
