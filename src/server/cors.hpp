// src/server/cors.hpp
//
// Cross-origin policy: which browser origins may read our responses. An allowed origin is echoed
// back; a disallowed one gets no CORS headers, so the browser blocks it. Either way the answer
// depends on `Origin`, so every response to a request that sent one says `Vary: Origin` (a shared
// cache must not hand one origin's answer to another). No credentials mode: tokens travel in
// `Authorization` or `access_token`, never in cookies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livedash::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class CorsPolicy {
 public:
  //! `"*"` in the list allows any origin; an empty list allows none.
  explicit CorsPolicy(std::vector<std::string> origins = {});

  bool allows(std::string_view origin) const;
  //! For a request that sent `origin` (none: nothing to add): Vary, and for an allowed origin
  //! Access-Control-Allow-Origin and the headers a page may read.
  void addOriginHeaders(std::string_view origin, HeaderList& headers) const;
  //! The preflight answer: the methods the path takes (`allowed`, OPTIONS added), the request
  //! headers we read, and how long the browser may cache it.
  static void addPreflightHeaders(const std::string& allowed, HeaderList& headers);

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace livedash::server
