// tests/unit/server/router_test.cpp
#include "server/router.hpp"

#include <gtest/gtest.h>

namespace livedash::server {
namespace {

RouteHandler respond(std::string body) {
  return [body](const HttpRequest&) { return HttpResponse::json(200, body); };
}

std::string call(const Router::Match& match) {
  return match.handler ? (*match.handler)(HttpRequest{}).body : "<none>";
}

TEST(RouterTest, CapturesParamsAndPrefersLiterals) {
  Router router;
  router.add("GET", "/q/{id}/results", respond("results"));
  router.add("GET", "/q/{id}/{part}", respond("part"));
  Router::Match match = router.match("GET", "/q/orders/results");
  EXPECT_EQ(call(match), "results");
  EXPECT_EQ(match.params.at("id"), "orders");
  match = router.match("GET", "/q/orders/meta");
  EXPECT_EQ(call(match), "part");
  EXPECT_EQ(match.params.at("part"), "meta");
}

TEST(RouterTest, ReportsAllowedMethodsAndHeadFallsBackToGet) {
  Router router;
  router.add("GET", "/items", respond("get"));
  router.add("POST", "/items", respond("post"));
  Router::Match head = router.match("HEAD", "/items");
  EXPECT_EQ(call(head), "get");
  Router::Match del = router.match("DELETE", "/items");
  EXPECT_EQ(del.handler, nullptr);
  EXPECT_EQ(del.allowed, (std::vector<std::string>{"GET", "HEAD", "POST"}));
  EXPECT_TRUE(router.match("GET", "/other").allowed.empty());
  EXPECT_TRUE(router.match("GET", "/items/1").allowed.empty());
}

TEST(RouterTest, SplitsPathIgnoringEmptySegments) {
  EXPECT_EQ(Router::splitPath("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(Router::splitPath("/").empty());
}

}  // namespace
}  // namespace livedash::server
