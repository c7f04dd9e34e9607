// tests/unit/server/cors_test.cpp
//
// CORS on SSE streams and on refusals, over real sockets (the REST basics are in
// http_server_test.cpp): an allowed origin gets its headers everywhere, including the SSE head
// and a 401, so the page can read why; a denied one gets none; an empty list allows no origin.
#include <string>

#include <gtest/gtest.h>

#include "server/http_server.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

using test::Reply;
using test::TestClient;

HttpServerOptions options(std::vector<std::string> origins) {
  HttpServerOptions o = test::localOptions(1);
  o.cors_origins = std::move(origins);
  return o;
}

Reply sseHead(uint16_t port, const std::string& origin) {
  TestClient client(port);
  client.send("GET /events HTTP/1.1\r\nHost: x\r\nOrigin: " + origin + "\r\n\r\n");
  return client.readHead();
}

TEST(CorsTest, SseStreamHeadCarriesCorsForAllowedOriginsOnly) {
  HttpServer server(options({"https://dash.test"}));
  SseStreamOptions events;
  events.heartbeat_interval_ms = 0;
  server.addSseStream(events);
  server.start();
  Reply good = sseHead(server.port(), "https://dash.test");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(good.header("access-control-allow-origin"), "https://dash.test");
  EXPECT_EQ(good.header("vary"), "Origin");
  Reply evil = sseHead(server.port(), "https://evil.test");
  EXPECT_EQ(evil.status, 200);
  EXPECT_FALSE(evil.has("access-control-allow-origin"));

  TestClient client(server.port());
  Reply preflight = client.request("OPTIONS", "/events",
                                   {{"Origin", "https://dash.test"},
                                    {"Access-Control-Request-Method", "GET"},
                                    {"Access-Control-Request-Headers", "last-event-id"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("allow"), "GET, OPTIONS");
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "https://dash.test");
  EXPECT_NE(preflight.header("access-control-allow-headers").find("Last-Event-ID"),
            std::string::npos);
}

TEST(CorsTest, RefusalsCarryCorsSoThePageCanReadThem) {
  HttpServerOptions o = options({"https://dash.test"});
  o.tokens = {{"reader", "reader-secret-0123456789", TokenRole::Read, {}}};
  HttpServer server(o);
  server.addRoute("GET", "/data", [](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  SseStreamOptions events;
  events.heartbeat_interval_ms = 0;
  server.addSseStream(events);
  server.start();
  TestClient client(server.port());
  Reply rest = client.request("GET", "/data", {{"Origin", "https://dash.test"}});
  EXPECT_EQ(rest.status, 401);
  EXPECT_EQ(rest.header("access-control-allow-origin"), "https://dash.test");
  Reply sse = client.request("GET", "/events", {{"Origin", "https://dash.test"}});
  EXPECT_EQ(sse.status, 401);
  EXPECT_EQ(sse.header("access-control-allow-origin"), "https://dash.test");
  EXPECT_TRUE(sse.has("www-authenticate"));
}

TEST(CorsTest, EmptyListAllowsNoOrigin) {
  HttpServer server(options({}));
  server.addRoute("GET", "/data", [](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  server.start();
  TestClient client(server.port());
  Reply reply = client.request("GET", "/data", {{"Origin", "https://dash.test"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.has("access-control-allow-origin"));
  Reply preflight =
      client.request("OPTIONS", "/data",
                     {{"Origin", "https://dash.test"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_FALSE(preflight.has("access-control-allow-methods"));
}

}  // namespace
}  // namespace livedash::server
