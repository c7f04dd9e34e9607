// src/server/router.cpp
#include "server/router.hpp"

#include <algorithm>

namespace livedash::server {

namespace {

void addUnique(std::vector<std::string>& list, std::string_view method) {
  if (std::find(list.begin(), list.end(), method) == list.end()) {
    list.emplace_back(method);
  }
}

}  // namespace

std::vector<std::string_view> Router::splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end > start) {
      segments.push_back(path.substr(start, end - start));
    }
    start = end + 1;
  }
  return segments;
}

void Router::add(std::string method, std::string_view pattern, RouteHandler handler,
                 RouteAccess access) {
  Route route;
  route.method = std::move(method);
  for (std::string_view part : splitPath(pattern)) {
    Segment segment;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      segment.is_param = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
    } else {
      segment.text = std::string(part);
      ++route.literal_count;
    }
    route.segments.push_back(std::move(segment));
  }
  route.handler = std::move(handler);
  route.access = access;
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& segments) {
  if (route.segments.size() != segments.size()) {
    return false;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!route.segments[i].is_param && route.segments[i].text != segments[i]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> segments = splitPath(path);
  Match result;
  const Route* best = nullptr;
  const Route* best_get = nullptr;  // for HEAD without a HEAD route
  for (const Route& route : routes_) {
    if (!matches(route, segments)) {
      continue;
    }
    addUnique(result.allowed, route.method);
    if (route.method == "GET") {
      addUnique(result.allowed, "HEAD");
    }
    if (route.method == method && (!best || route.literal_count > best->literal_count)) {
      best = &route;
    }
    if (route.method == "GET" && (!best_get || route.literal_count > best_get->literal_count)) {
      best_get = &route;
    }
  }
  if (!best && method == "HEAD") {
    best = best_get;
  }
  if (best) {
    result.handler = &best->handler;
    result.access = best->access;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].is_param) {
        result.params.emplace(best->segments[i].text, std::string(segments[i]));
      }
    }
  }
  return result;
}

}  // namespace livedash::server
