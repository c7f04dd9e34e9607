// src/server/http_types.cpp
#include "server/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace livedash::server {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view lookup(const std::map<std::string, std::string>& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) {
      return value;
    }
  }
  return {};
}

std::string_view HttpRequest::queryParam(std::string_view name) const {
  return lookup(query, name);
}

std::string_view HttpRequest::param(std::string_view name) const {
  return lookup(path_params, name);
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::error(core::ErrorCode code, std::string_view message) {
  return json(core::errorCodeHttpStatus(code), core::errorJson(code, message));
}

}  // namespace livedash::server
