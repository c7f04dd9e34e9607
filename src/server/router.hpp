// src/server/router.hpp
//
// Matches a method and a decoded path against registered route patterns. A pattern segment
// `{name}` matches any one non-empty segment and captures it. When several patterns match, the
// one with the most literal segments wins (ties: the first registered). Built before the server
// starts, then read-only, so IO threads share it without locks.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth.hpp"
#include "server/http_types.hpp"

namespace livedash::server {

class Router {
 public:
  struct Match {
    const RouteHandler* handler = nullptr;   //!< null when no route takes this method
    RouteAccess access = RouteAccess::Read;  //!< what the matched route needs
    std::map<std::string, std::string> params;
    //! Methods that some route accepts at this path (GET implies HEAD), empty for an unknown path.
    std::vector<std::string> allowed;
  };

  void add(std::string method, std::string_view pattern, RouteHandler handler,
           RouteAccess access = RouteAccess::Read);
  //! A HEAD request matches GET routes unless a HEAD route exists.
  Match match(std::string_view method, std::string_view path) const;

  static std::vector<std::string_view> splitPath(std::string_view path);

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::vector<Segment> segments;
    int literal_count = 0;
    RouteHandler handler;
    RouteAccess access = RouteAccess::Read;
  };

  static bool matches(const Route& route, const std::vector<std::string_view>& segments);

  std::vector<Route> routes_;
};

}  // namespace livedash::server
