// tests/unit/server/ws_auth_test.cpp
//
// Tokens on the WebSocket upgrade, over real sockets: checked once at the handshake (header or
// `access_token`), refused with the JSON 401 before any upgrade; a query-limited token connects
// and may subscribe only to its queries.
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "server/http_server.hpp"
#include "server/ws_endpoint.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::server {
namespace {

using test::WsTestClient;

//! Records what reaches it and never answers.
class SilentBackend final : public WsBackend {
 public:
  void subscribe(WsSubscribeRequest request) override {
    std::lock_guard lock(mutex);
    queries.push_back(request.query);
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex);
    return queries;
  }
  std::mutex mutex;
  std::vector<std::string> queries;
};

class WsAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options = test::localOptions(1);
    options.tokens = {{"reader", "reader-secret-0123456789", TokenRole::Read, {}},
                      {"viewer", "viewer-secret-0123456789", TokenRole::Read, {"a"}}};
    server = std::make_unique<HttpServer>(options);
    server->addWebSocket(WsOptions{}, backend);
    server->start();
  }

  SilentBackend backend;
  std::unique_ptr<HttpServer> server;
};

TEST_F(WsAuthTest, UpgradeNeedsAToken) {
  WsTestClient anonymous(server->port());
  EXPECT_EQ(anonymous.handshake().status, 401);
  EXPECT_EQ(anonymous.handshake().header("www-authenticate"), R"(Bearer realm="livedash")");
  WsTestClient wrong(server->port(), "/ws?access_token=guess");
  EXPECT_EQ(wrong.handshake().status, 401);
}

TEST_F(WsAuthTest, TokenInTheQueryParameterUpgrades) {
  WsTestClient reader(server->port(), "/ws?access_token=reader-secret-0123456789");
  EXPECT_EQ(reader.handshake().status, 101);
}

TEST_F(WsAuthTest, QueryLimitedTokenSubscribesOnlyToItsQueries) {
  WsTestClient viewer(server->port(), "/ws?access_token=viewer-secret-0123456789");
  ASSERT_EQ(viewer.handshake().status, 101);
  viewer.sendText(R"({"op":"subscribe","query":"b"})");
  core::Value refused = viewer.nextJson();
  EXPECT_EQ(core::toJson(refused.asMap().at("op")), R"("error")") << core::toJson(refused);
  EXPECT_NE(core::toJson(refused).find("forbidden"), std::string::npos) << core::toJson(refused);
  viewer.sendText(R"({"op":"subscribe","query":"a"})");
  EXPECT_TRUE(test::waitFor([&] { return backend.seen() == std::vector<std::string>{"a"}; }));
}

}  // namespace
}  // namespace livedash::server
