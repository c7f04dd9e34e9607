// tests/unit/server/http_server_test.cpp
//
// REST routing, errors, CORS, assets and connection handling, over real sockets.
#include "server/http_server.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

using test::localOptions;
using test::Reply;
using test::TestClient;

TEST(HttpServerTest, RouteGetsPathParamsAndDecodedQuery) {
  HttpServer server(localOptions());
  server.addRoute("GET", "/api/v1/queries/{id}/results", [](const HttpRequest& req) {
    return HttpResponse::json(200, std::string(req.param("id")) + "|" +
                                       std::string(req.queryParam("name")) + "|" + req.path + "|" +
                                       std::string(req.header("X-Test")));
  });
  server.start();
  TestClient client(server.port());
  Reply reply =
      client.request("GET", "/api/v1/queries/q%201/results?name=a+b%26c&x=1", {{"X-Test", "yes"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body, "q 1|a b&c|/api/v1/queries/q 1/results|yes");
}

TEST(HttpServerTest, MoreLiteralPatternWins) {
  HttpServer server(localOptions());
  server.addRoute("GET", "/items/{id}",
                  [](const HttpRequest&) { return HttpResponse::json(200, "param"); });
  server.addRoute("GET", "/items/new",
                  [](const HttpRequest&) { return HttpResponse::json(200, "literal"); });
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/items/new").body, "literal");
  EXPECT_EQ(client.request("GET", "/items/7").body, "param");
}

TEST(HttpServerTest, UnknownPathIsJson404) {
  HttpServer server(localOptions());
  server.start();
  TestClient client(server.port());
  Reply reply = client.request("GET", "/nope");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body, core::errorJson(core::ErrorCode::NotFound, "no route for GET /nope"));
}

TEST(HttpServerTest, WrongMethodIs405WithAllow) {
  HttpServer server(localOptions());
  auto ok = [](const HttpRequest&) { return HttpResponse::json(200, "{}"); };
  server.addRoute("GET", "/items", ok);
  server.addRoute("POST", "/items", ok);
  server.start();
  TestClient client(server.port());
  Reply reply = client.request("DELETE", "/items");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(reply.body, core::errorJson(core::ErrorCode::MethodNotAllowed,
                                        "method DELETE not allowed for /items"));
}

TEST(HttpServerTest, BodyOverLimitIs413) {
  HttpServerOptions options = localOptions();
  options.max_body_bytes = 16;
  HttpServer server(options);
  server.addRoute("POST", "/echo",
                  [](const HttpRequest& req) { return HttpResponse::json(200, req.body); });
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("POST", "/echo", {}, "small").body, "small");
  Reply reply = client.request("POST", "/echo", {}, std::string(100, 'x'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find(R"("code":"payload_too_large")"), std::string::npos);
  EXPECT_TRUE(client.waitClosed());
}

TEST(HttpServerTest, MalformedRequestIs400) {
  HttpServer server(localOptions());
  server.start();
  TestClient client(server.port());
  client.send("NOT A REQUEST\r\n\r\n");
  Reply reply = client.readResponse();
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find(R"("success":false,"error":{"code":"bad_request")"), std::string::npos);
  EXPECT_TRUE(client.waitClosed());
}

TEST(HttpServerTest, HeaderOverLimitIs431) {
  HttpServerOptions options = localOptions();
  options.max_header_bytes = 512;
  HttpServer server(options);
  server.start();
  TestClient client(server.port());
  Reply reply = client.request("GET", "/x", {{"X-Big", std::string(2000, 'a')}});
  EXPECT_EQ(reply.status, 431);
  EXPECT_NE(reply.body.find(R"("code":"header_too_large")"), std::string::npos);
}

TEST(HttpServerTest, HandlerErrorsBecomeJson) {
  HttpServer server(localOptions());
  server.addRoute("GET", "/missing", [](const HttpRequest&) -> HttpResponse {
    throw core::Error(core::ErrorCode::NotFound, "query q1 does not exist");
  });
  server.addRoute("GET", "/broken", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret detail");
  });
  server.start();
  TestClient client(server.port());
  Reply missing = client.request("GET", "/missing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, core::errorJson(core::ErrorCode::NotFound, "query q1 does not exist"));
  Reply broken = client.request("GET", "/broken");
  EXPECT_EQ(broken.status, 500);
  EXPECT_NE(broken.body.find(R"("code":"internal")"), std::string::npos);
  EXPECT_EQ(broken.body.find("secret"), std::string::npos);
}

TEST(HttpServerTest, CorsForAllowedOriginOnly) {
  HttpServerOptions options = localOptions();
  options.cors_origins = {"http://good.test"};
  HttpServer server(options);
  server.addRoute("GET", "/data", [](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  server.start();
  TestClient client(server.port());

  Reply preflight = client.request("OPTIONS", "/data",
                                   {{"Origin", "http://good.test"},
                                    {"Access-Control-Request-Method", "GET"},
                                    {"Access-Control-Request-Headers", "authorization"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "http://good.test");
  EXPECT_EQ(preflight.header("vary"), "Origin");
  const std::string allow_headers = preflight.header("access-control-allow-headers");
  for (const char* name : {"Authorization", "Content-Type", "Last-Event-ID"}) {
    EXPECT_NE(allow_headers.find(name), std::string::npos) << name;
  }
  EXPECT_NE(preflight.header("access-control-allow-methods").find("GET"), std::string::npos);

  Reply bad_preflight =
      client.request("OPTIONS", "/data",
                     {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(bad_preflight.status, 204);
  EXPECT_FALSE(bad_preflight.has("access-control-allow-origin"));
  EXPECT_FALSE(bad_preflight.has("access-control-allow-headers"));

  Reply good = client.request("GET", "/data", {{"Origin", "http://good.test"}});
  EXPECT_EQ(good.header("access-control-allow-origin"), "http://good.test");
  EXPECT_EQ(good.header("vary"), "Origin");
  Reply evil = client.request("GET", "/data", {{"Origin", "http://evil.test"}});
  EXPECT_EQ(evil.status, 200);
  EXPECT_FALSE(evil.has("access-control-allow-origin"));
  Reply error = client.request("GET", "/none", {{"Origin", "http://good.test"}});
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.header("access-control-allow-origin"), "http://good.test");
}

TEST(HttpServerTest, WildcardCorsEchoesOrigin) {
  HttpServer server(localOptions());  // cors_origins defaults to "*"
  server.addRoute("GET", "/data", [](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  server.start();
  TestClient client(server.port());
  Reply reply = client.request("GET", "/data", {{"Origin", "http://any.test"}});
  EXPECT_EQ(reply.header("access-control-allow-origin"), "http://any.test");
  EXPECT_FALSE(client.request("GET", "/data").has("access-control-allow-origin"));
}

TEST(HttpServerTest, ServesAssetsWithGetAndHead) {
  static const std::string kPage = "<!doctype html><h1>live</h1>";
  static const std::string kScript = "console.log('hi');";
  HttpServer server(localOptions());
  server.addAsset("/", "text/html; charset=utf-8", kPage);
  server.addAsset("/app.js", "text/javascript", kScript);
  server.start();
  TestClient client(server.port());
  Reply page = client.request("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.body, kPage);
  Reply head = client.request("HEAD", "/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/javascript");
  EXPECT_EQ(head.header("content-length"), std::to_string(kScript.size()));
  EXPECT_EQ(client.request("GET", "/app.js").body, kScript);  // HEAD left no stray body
  EXPECT_EQ(client.request("POST", "/app.js").status, 405);
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpServer server(localOptions());
  int calls = 0;
  server.addRoute("GET", "/count", [&calls](const HttpRequest&) {
    return HttpResponse::json(200, std::to_string(++calls));
  });
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/count").body, "1");
  EXPECT_EQ(client.request("GET", "/count").body, "2");
  Reply last = client.request("GET", "/count", {{"Connection", "close"}});
  EXPECT_EQ(last.body, "3");
  EXPECT_TRUE(client.waitClosed());
}

TEST(HttpServerTest, IdleConnectionIsClosed) {
  HttpServerOptions options = localOptions();
  options.idle_timeout_seconds = 1;
  HttpServer server(options);
  server.start();
  TestClient client(server.port());
  EXPECT_TRUE(client.waitClosed());
}

TEST(HttpServerTest, StartFailsWhenThePortIsTaken) {
  HttpServer first(localOptions());
  first.start();
  HttpServerOptions options = localOptions();
  options.port = first.port();
  HttpServer second(options);
  try {
    second.start();
    FAIL() << "expected core::Error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::Internal);
    const std::string expected = "cannot listen on 127.0.0.1:" + std::to_string(first.port());
    EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
  }
  second.stop();  // harmless on a server that never started
}

TEST(HttpServerTest, StopClosesOpenConnectionsAndIsIdempotent) {
  HttpServer server(localOptions());
  server.addRoute("GET", "/ping", [](const HttpRequest&) { return HttpResponse::json(200, "1"); });
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/ping").status, 200);
  TestClient idle(server.port());
  server.stop();
  EXPECT_TRUE(client.waitClosed());
  EXPECT_TRUE(idle.waitClosed());
  server.stop();
}

}  // namespace
}  // namespace livedash::server
