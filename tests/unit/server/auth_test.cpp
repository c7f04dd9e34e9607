// tests/unit/server/auth_test.cpp
//
// Bearer tokens over real sockets: required (401 with WWW-Authenticate), accepted (header and
// `access_token`), refused (wrong token 401, wrong query or role 403), and an SSE stream that
// gives a query-limited token only its queries. Plus the Authorizer's own rules.
#include "server/auth.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "server/http_server.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

using test::Reply;
using test::SseEvent;
using test::TestClient;

const std::vector<AccessToken> kTokens = {
    {"admin", "admin-secret-0123456789", TokenRole::Admin, {}},
    {"reader", "reader-secret-0123456789", TokenRole::Read, {}},
    {"viewer", "viewer-secret-0123456789", TokenRole::Read, {"a"}},
};

HttpServerOptions securedOptions() {
  HttpServerOptions options = test::localOptions();
  options.tokens = kTokens;
  return options;
}

HttpResponse echoToken(const HttpRequest& req) {
  return HttpResponse::json(200, req.token ? req.token->name : "none");
}

std::pair<std::string, std::string> bearer(const std::string& token) {
  return {"Authorization", "Bearer " + token};
}

core::FrameConstSharedPtr diffFrame(uint64_t sequence, const std::string& query) {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = "/events";
  frame->sequence = sequence;
  frame->query = query;
  frame->bytes = "id: " + std::to_string(sequence) + "\ndata: {\"queryId\":\"" + query + "\"}\n\n";
  return frame;
}

//! The next event that carries data (skipping the retry hint and heartbeats).
SseEvent nextData(TestClient& client) {
  SseEvent event = client.nextEvent();
  while (event.data.empty()) {
    event = client.nextEvent();
  }
  return event;
}

class SecuredServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.addRoute("GET", "/health", echoToken, RouteAccess::Public);
    server.addRoute("GET", "/data", echoToken, RouteAccess::Read);
    server.addRoute("GET", "/queries/{id}", echoToken, RouteAccess::Query);
    server.addRoute("POST", "/sql", echoToken, RouteAccess::Admin);
    server.addAsset("/", "text/html", "<h1>page</h1>");
    SseStreamOptions events;
    events.path = "/events";
    events.heartbeat_interval_ms = 0;
    events.queries = {"a", "b"};
    stream = server.addSseStream(events);
    SseStreamOptions own;
    own.path = "/own";
    own.heartbeat_interval_ms = 0;
    own.queries = {"a", "b"};
    own.tokens = {{"reaction own", "own-stream-secret-0123", TokenRole::Read, {"a", "b"}}};
    server.addSseStream(own);
    server.start();
  }

  Reply get(const std::string& target, std::vector<std::pair<std::string, std::string>> h = {}) {
    TestClient client(server.port());
    return client.request("GET", target, h);
  }

  HttpServer server{securedOptions()};
  SseStreamSharedPtr stream;
};

TEST_F(SecuredServerTest, MissingTokenIs401WithWwwAuthenticate) {
  Reply reply = get("/data");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("www-authenticate"), R"(Bearer realm="livedash")");
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body, core::errorJson(core::ErrorCode::Unauthorized,
                                        "a bearer token is required (Authorization header or "
                                        "access_token parameter)"));
}

TEST_F(SecuredServerTest, WrongTokenIs401AndNeverEchoed) {
  Reply reply = get("/data", {bearer("guess-0123456789")});
  EXPECT_EQ(reply.status, 401);
  EXPECT_NE(reply.header("www-authenticate").find(R"(error="invalid_token")"), std::string::npos);
  EXPECT_EQ(reply.body.find("guess"), std::string::npos);
  EXPECT_EQ(get("/data?access_token=reader-secret-012345678").status, 401) << "a prefix";
  EXPECT_EQ(get("/data?access_token=reader-secret-01234567890").status, 401) << "longer";
}

TEST_F(SecuredServerTest, TokenAcceptedInHeaderOrQueryParameter) {
  EXPECT_EQ(get("/data", {bearer("reader-secret-0123456789")}).body, "reader");
  EXPECT_EQ(get("/data", {{"authorization", "bearer  admin-secret-0123456789 "}}).body, "admin")
      << "the scheme is case-insensitive";
  EXPECT_EQ(get("/data?access_token=viewer-secret-0123456789").body, "viewer");
}

TEST_F(SecuredServerTest, HealthAndAssetsStayPublic) {
  Reply health = get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "none");
  EXPECT_EQ(get("/").status, 200);
  TestClient client(server.port());
  Reply preflight = client.request(
      "OPTIONS", "/data", {{"Origin", "http://x.test"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 204) << "a preflight carries no credentials";
}

TEST_F(SecuredServerTest, QueryLimitedTokenGets403ForOtherQueries) {
  const auto viewer = bearer("viewer-secret-0123456789");
  EXPECT_EQ(get("/queries/a", {viewer}).status, 200);
  Reply other = get("/queries/b", {viewer});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.body,
            core::errorJson(core::ErrorCode::Forbidden, "token `viewer` may not see query `b`"));
  EXPECT_FALSE(other.has("www-authenticate"));
  EXPECT_EQ(get("/queries/b", {bearer("reader-secret-0123456789")}).status, 200);
}

TEST_F(SecuredServerTest, ReadOnlyTokenCannotWrite) {
  TestClient client(server.port());
  Reply reader = client.request("POST", "/sql", {bearer("reader-secret-0123456789")}, "SELECT 1");
  EXPECT_EQ(reader.status, 403);
  EXPECT_NE(reader.body.find("needs an admin token"), std::string::npos);
  Reply admin = client.request("POST", "/sql", {bearer("admin-secret-0123456789")}, "SELECT 1");
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(admin.body, "admin");
}

TEST_F(SecuredServerTest, SseNeedsAToken) {
  EXPECT_EQ(get("/events").status, 401);
  EXPECT_EQ(get("/events?access_token=nope").status, 401);
  EXPECT_EQ(get("/events?queries=c&access_token=reader-secret-0123456789").status, 404);
  EXPECT_EQ(get("/events?queries=b&access_token=viewer-secret-0123456789").status, 403);
}

TEST_F(SecuredServerTest, SseWithALimitedTokenSeesOnlyItsQueries) {
  TestClient viewer(server.port());
  viewer.send("GET /events?access_token=viewer-secret-0123456789 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(viewer.readHead().status, 200);
  TestClient only_b(server.port());
  only_b.send(
      "GET /events?queries=b HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer reader-secret-0123456789\r\n\r\n");
  EXPECT_EQ(only_b.readHead().status, 200);
  ASSERT_TRUE(test::waitFor([&] { return stream->clientCount() == 2; }));

  stream->publish(diffFrame(1, "b"));
  stream->publish(diffFrame(2, "a"));
  stream->publish(diffFrame(3, "b"));
  stream->publish(diffFrame(4, "a"));
  EXPECT_EQ(nextData(viewer).id, "2");
  EXPECT_EQ(nextData(viewer).id, "4");
  EXPECT_EQ(nextData(only_b).id, "1");
  EXPECT_EQ(nextData(only_b).id, "3");

  // A resume replays only the subscriber's queries, from the same id sequence.
  TestClient resumed(server.port());
  resumed.send(
      "GET /events?access_token=viewer-secret-0123456789 HTTP/1.1\r\nHost: x\r\n"
      "Last-Event-ID: 1\r\n\r\n");
  EXPECT_EQ(resumed.readHead().status, 200);
  EXPECT_EQ(nextData(resumed).id, "2");
  EXPECT_EQ(nextData(resumed).id, "4");
}

TEST_F(SecuredServerTest, StreamTokenIsAcceptedOnItsStreamOnly) {
  TestClient own(server.port());
  own.send("GET /own?access_token=own-stream-secret-0123 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(own.readHead().status, 200);
  EXPECT_EQ(get("/events?access_token=own-stream-secret-0123").status, 401);
  EXPECT_EQ(get("/data?access_token=own-stream-secret-0123").status, 401);
}

TEST(AuthorizerTest, OffWithoutTokens) {
  Authorizer auth;
  HttpRequest req;
  EXPECT_FALSE(auth.enabled());
  AuthDecision d = auth.check(req, RouteAccess::Admin);
  EXPECT_TRUE(d.allowed());
  EXPECT_TRUE(d.allowsQuery("anything"));
  EXPECT_TRUE(d.isAdmin());
}

TEST(AuthorizerTest, CheckForAWebSocketSubscription) {
  Authorizer auth(kTokens);
  HttpRequest req;
  req.query["access_token"] = "viewer-secret-0123456789";
  EXPECT_TRUE(auth.check(req, "a").allowed());
  EXPECT_EQ(auth.check(req, "b").outcome, AuthDecision::Outcome::Forbidden);
  AuthDecision once = auth.authenticate(req);
  EXPECT_TRUE(once.allowsQuery("a"));
  EXPECT_FALSE(once.allowsQuery("b"));
  EXPECT_FALSE(once.isAdmin());
  req.query.clear();
  EXPECT_EQ(auth.check(req, "a").outcome, AuthDecision::Outcome::Missing);
}

TEST(AuthorizerTest, ConstantTimeEqualsComparesWholeValues) {
  EXPECT_TRUE(Authorizer::constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(Authorizer::constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(Authorizer::constantTimeEquals("secret", "secretsecret"));
  EXPECT_FALSE(Authorizer::constantTimeEquals("secret", "secre"));
  EXPECT_FALSE(Authorizer::constantTimeEquals("secret", ""));
  EXPECT_FALSE(Authorizer::constantTimeEquals("", ""));
}

TEST(AuthorizerTest, HeaderWinsOverQueryParameter) {
  HttpRequest req;
  req.headers.emplace_back("authorization", "Bearer from-header");
  req.query["access_token"] = "from-query";
  EXPECT_EQ(Authorizer::presentedToken(req), "from-header");
  req.headers.front().second = "Basic dXNlcjpwYXNz";
  EXPECT_EQ(Authorizer::presentedToken(req), "from-query") << "other schemes are ignored";
}

}  // namespace
}  // namespace livedash::server
