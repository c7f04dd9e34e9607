// src/server/cors.cpp
#include "server/cors.hpp"

#include <algorithm>

namespace livedash::server {

CorsPolicy::CorsPolicy(std::vector<std::string> origins) {
  for (std::string& origin : origins) {
    if (origin == "*") {
      any_ = true;
      continue;
    }
    while (!origin.empty() && origin.back() == '/') {
      origin.pop_back();
    }
    origins_.push_back(std::move(origin));
  }
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) {
    return false;
  }
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::addOriginHeaders(std::string_view origin, HeaderList& headers) const {
  if (origin.empty()) {
    return;
  }
  headers.emplace_back("Vary", "Origin");
  if (allows(origin)) {
    headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    // A 401's challenge, so a page can tell "log in" from other failures.
    headers.emplace_back("Access-Control-Expose-Headers", "WWW-Authenticate");
  }
}

void CorsPolicy::addPreflightHeaders(const std::string& allowed, HeaderList& headers) {
  headers.emplace_back("Access-Control-Allow-Methods", allowed);
  headers.emplace_back("Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Last-Event-ID, Cache-Control");
  headers.emplace_back("Access-Control-Max-Age", "600");
}

}  // namespace livedash::server
