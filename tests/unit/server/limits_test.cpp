// tests/unit/server/limits_test.cpp
//
// What one client may ask of the server, over real sockets: request head size (431), the number
// of connections one address holds open (429, then closed; SSE connections count too), and the
// idle timeout of a keep-alive connection.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "server/http_server.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

using test::localOptions;
using test::Reply;
using test::TestClient;

HttpResponse ok(const HttpRequest&) {
  return HttpResponse::json(200, "{}");
}

TEST(LimitsTest, HeaderOverLimitIs431) {
  HttpServerOptions options = localOptions();
  options.max_header_bytes = 1024;
  HttpServer server(options);
  server.addRoute("GET", "/x", ok);
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/x", {{"X-Small", std::string(100, 'a')}}).status, 200);
  Reply reply = client.request("GET", "/x", {{"X-Big", std::string(4000, 'a')}});
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(reply.body, core::errorJson(core::ErrorCode::HeaderTooLarge,
                                        "request header is larger than 1024 bytes"));
  EXPECT_TRUE(client.waitClosed());
}

TEST(LimitsTest, ConnectionsPerAddressAreCapped) {
  HttpServerOptions options = localOptions();
  options.max_connections_per_ip = 2;
  HttpServer server(options);
  server.addRoute("GET", "/x", ok);
  SseStreamOptions events;
  events.heartbeat_interval_ms = 0;
  SseStreamSharedPtr stream = server.addSseStream(events);
  server.start();

  auto first = std::make_unique<TestClient>(server.port());
  EXPECT_EQ(first->request("GET", "/x").status, 200);
  TestClient sse(server.port());
  sse.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(sse.readHead().status, 200);
  ASSERT_TRUE(test::waitFor([&] { return stream->clientCount() == 1; }));

  TestClient third(server.port());
  Reply refused = third.request("GET", "/x");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, core::errorJson(core::ErrorCode::TooManyConnections,
                                          "too many connections from 127.0.0.1 (at most 2)"));
  EXPECT_TRUE(third.waitClosed());

  // A closed connection frees its place (once the server has noticed).
  first.reset();
  EXPECT_TRUE(test::waitFor([&] {
    TestClient again(server.port());
    return again.request("GET", "/x").status == 200;
  }));
}

TEST(LimitsTest, NoCapByDefault) {
  HttpServer server(localOptions());
  server.addRoute("GET", "/x", ok);
  server.start();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    EXPECT_EQ(clients.back()->request("GET", "/x").status, 200);
  }
}

TEST(LimitsTest, IdleKeepAliveConnectionIsClosedAfterTheTimeout) {
  HttpServerOptions options = localOptions();
  options.idle_timeout_seconds = 1;
  HttpServer server(options);
  server.addRoute("GET", "/x", ok);
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/x").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.waitClosed());
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(4));
}

}  // namespace
}  // namespace livedash::server
