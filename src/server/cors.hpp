// src/server/cors.hpp
//
// Cross-origin policy: which browser origins may read our responses. An allowed origin is echoed
// back (with `Vary: Origin`); a disallowed one gets no CORS headers, so the browser blocks it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livedash::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class CorsPolicy {
 public:
  //! `"*"` in the list allows any origin.
  explicit CorsPolicy(std::vector<std::string> origins = {});

  bool allows(std::string_view origin) const;
  //! Access-Control-Allow-Origin and Vary, for an origin that allows() accepted.
  static void addOriginHeaders(std::string_view origin, HeaderList& headers);
  //! The preflight answer: allowed methods, request headers and max age.
  static void addPreflightHeaders(HeaderList& headers);

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace livedash::server
