// tests/unit/app/security_api_test.cpp
//
// The wired application with tokens on (tests/data/app/secure_shop.yaml), over real sockets:
// which routes need which token, a query-limited token on the multiplexed SSE stream, CORS and
// the body limit from the config, and the /metrics series that follow writes.
#include <gtest/gtest.h>

#include "unit/app/app_fixture.hpp"

namespace livedash::app {
namespace {

using server::test::Reply;
using server::test::SseEvent;
using server::test::TestClient;

using test::Headers;
using test::nextData;

const std::pair<std::string, std::string> kAdmin = {"Authorization",
                                                    "Bearer admin-secret-0123456789"};
const std::pair<std::string, std::string> kReader = {"Authorization",
                                                     "Bearer reader-secret-0123456789"};
const std::pair<std::string, std::string> kViewer = {"Authorization",
                                                     "Bearer viewer-secret-0123456789"};

std::string errorCode(const Reply& r) {
  return core::parseJson(r.body).asMap().at("error").asMap().at("code").asString();
}

class SecurityApiTest : public test::AppFixture {
 protected:
  SecurityApiTest() : AppFixture("secure_shop.yaml") {}

  Reply call(const std::string& method, const std::string& target, Headers headers = {},
             const std::string& body = {}) {
    TestClient c(app->port());
    return c.request(method, target, headers, body);
  }
  Reply sql(const std::string& statement, Headers headers) {
    headers.emplace_back("Content-Type", "text/plain");
    return call("POST", "/api/v1/sources/shop/sql", headers, statement);
  }
};

TEST_F(SecurityApiTest, RoutesNeedTheRightToken) {
  EXPECT_EQ(call("GET", "/health").status, 200) << "health stays public";
  EXPECT_EQ(call("GET", "/").status, 200) << "so does the page";
  Reply missing = call("GET", "/api/v1/queries/stats/results");
  EXPECT_EQ(missing.status, 401);
  EXPECT_TRUE(missing.has("www-authenticate"));
  EXPECT_EQ(errorCode(missing), "unauthorized");
  EXPECT_EQ(call("GET", "/api/v1/queries/stats/results", {{"Authorization", "Bearer nope"}}).status,
            401);
  EXPECT_EQ(call("GET", "/api/v1/queries/stats/results", {kViewer}).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/queries/big/results?access_token=reader-secret-0123456789").status,
            200);
  Reply other = call("GET", "/api/v1/queries/big/results", {kViewer});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(errorCode(other), "forbidden");
  EXPECT_EQ(call("GET", "/metrics").status, 401);
  EXPECT_EQ(call("GET", "/metrics", {kReader}).status, 200);
}

TEST_F(SecurityApiTest, QueryListIsNarrowedToTheToken) {
  core::Value all = core::parseJson(call("GET", "/api/v1/queries", {kReader}).body);
  EXPECT_EQ(all.asMap().at("data").asList().size(), 2u);
  core::Value mine = core::parseJson(call("GET", "/api/v1/queries", {kViewer}).body);
  ASSERT_EQ(mine.asMap().at("data").asList().size(), 1u);
  EXPECT_EQ(mine.asMap().at("data").asList()[0].asMap().at("id"), core::Value("stats"));
}

TEST_F(SecurityApiTest, WritesAndRawDataNeedAnAdminToken) {
  Reply read_only = sql("UPDATE orders SET status = 'shipped'", {kReader});
  EXPECT_EQ(read_only.status, 403);
  EXPECT_EQ(errorCode(read_only), "forbidden");
  EXPECT_EQ(call("GET", "/api/v1/sources/shop/tables/orders/rows", {kReader}).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/sources/shop/tables/orders/rows", {kViewer},
                 R"({"customer_name":"Eve","total":1})")
                .status,
            403);
  EXPECT_EQ(sql("SELECT 1", {}).status, 401);
  EXPECT_EQ(sql("SELECT count(*) FROM orders", {kAdmin}).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/sources/shop/tables/orders/rows", {kAdmin}).status, 200);
}

TEST_F(SecurityApiTest, LimitedTokenSeesOnlyItsQueriesOnTheStream) {
  TestClient viewer(app->port());
  viewer.send("GET /events?access_token=viewer-secret-0123456789 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(viewer.readHead().status, 200);
  TestClient reader(app->port());
  reader.send(
      "GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
      "reader-secret-0123456789\r\n\r\n");
  EXPECT_EQ(reader.readHead().status, 200);
  TestClient only_big(app->port());
  only_big.send(
      "GET /events?queries=big&access_token=reader-secret-0123456789 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(only_big.readHead().status, 200);
  EXPECT_EQ(call("GET", "/events?queries=big", {kViewer}).status, 403);
  EXPECT_EQ(call("GET", "/events").status, 401);

  // Bob's order (20.25) is in both queries; Carol's (5) only in stats.
  ASSERT_EQ(sql("UPDATE orders SET total = 21 WHERE customer_name = 'Bob'", {kAdmin}).status, 200);
  ASSERT_EQ(sql("UPDATE orders SET total = 6 WHERE customer_name = 'Carol'", {kAdmin}).status, 200);

  auto queryOf = [](const SseEvent& e) {
    return core::parseJson(e.data).asMap().at("queryId").asString();
  };
  std::vector<std::string> seen_by_reader;
  for (int i = 0; i < 3; ++i)
    seen_by_reader.push_back(queryOf(nextData(reader)));
  EXPECT_EQ(seen_by_reader.size(), 3u);
  SseEvent v1 = nextData(viewer);
  SseEvent v2 = nextData(viewer);
  EXPECT_EQ(queryOf(v1), "stats");
  EXPECT_EQ(queryOf(v2), "stats");
  EXPECT_LT(std::stoull(v1.id), std::stoull(v2.id));
  SseEvent b = nextData(only_big);
  EXPECT_EQ(queryOf(b), "big");
}

TEST_F(SecurityApiTest, CorsAndBodyLimitComeFromTheConfig) {
  Reply allowed = call("GET", "/health", {{"Origin", "http://dash.test"}});
  EXPECT_EQ(allowed.header("access-control-allow-origin"), "http://dash.test");
  Reply denied = call("GET", "/health", {{"Origin", "http://evil.test"}});
  EXPECT_FALSE(denied.has("access-control-allow-origin"));
  Reply big = sql(std::string(5000, ' ') + "SELECT 1", {kAdmin});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(errorCode(big), "payload_too_large");
}

double metricValue(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST_F(SecurityApiTest, OperationsNeedAnAdminToken) {
  const std::string body = R"({"id":"pending","query":"MATCH (o:orders) RETURN o.id AS id",)"
                           R"("sources":[{"source_id":"shop"}]})";
  Reply anonymous = call("POST", "/api/v1/queries", {}, body);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(errorCode(anonymous), "unauthorized");
  Reply reader = call("POST", "/api/v1/queries", {kReader}, body);
  EXPECT_EQ(reader.status, 403);
  EXPECT_EQ(errorCode(reader), "forbidden");
  EXPECT_EQ(call("POST", "/api/v1/queries/stats/stop", {kViewer}).status, 403);
  EXPECT_EQ(call("DELETE", "/api/v1/sources/shop", {kReader}).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/reactions/stream/stop").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/queries/pending", {kAdmin}).status, 404) << "nothing was created";
  EXPECT_EQ(call("POST", "/api/v1/queries", {kAdmin}, body).status, 201);
  EXPECT_EQ(call("GET", "/api/v1/queries/pending/results", {kReader}).status, 200);
}

TEST_F(SecurityApiTest, MetricsShowLatencyQueueDepthAndSseClients) {
  TestClient stream(app->port());
  stream.send("GET /events?access_token=reader-secret-0123456789 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(stream.readHead().status, 200);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        sql("UPDATE orders SET total = total + 1 WHERE customer_name = 'Alice'", {kAdmin}).status,
        200);
  }
  // Bootstrap plus five writes reach `stats`; every observation is a plausible latency. The SQL
  // route answers once the store has the write, which the engine thread applies a moment later.
  const std::string latency_count = R"(livedash_query_latency_seconds_count{query="stats"})";
  std::string text;
  EXPECT_TRUE(server::test::waitFor([&] {
    text = call("GET", "/metrics", {kReader}).body;
    return metricValue(text, latency_count) >= 6;
  })) << text;
  EXPECT_EQ(metricValue(text, latency_count), 6) << text;
  const double sum = metricValue(text, R"(livedash_query_latency_seconds_sum{query="stats"})");
  EXPECT_GE(sum, 0);
  EXPECT_LT(sum, 30);
  EXPECT_GE(metricValue(text, R"(livedash_query_latency_seconds_bucket{query="stats",le="+Inf"})"),
            6);
  EXPECT_EQ(metricValue(text, "livedash_engine_queue_depth"), 0);
  EXPECT_EQ(metricValue(text, R"(livedash_sse_clients{reaction="stream"})"), 1);
  EXPECT_EQ(metricValue(text, R"(livedash_sse_dropped_clients_total{reaction="stream"})"), 0);
  // The diffs reached the subscriber's socket: each write is timed once for its newest frame
  // (writes may merge frames), and the first scrape may run ahead of the last write.
  const std::string write_count = R"(livedash_sse_write_latency_seconds_count{reaction="stream"})";
  EXPECT_TRUE(server::test::waitFor([&] {
    text = call("GET", "/metrics", {kReader}).body;
    return metricValue(text, write_count) >= 1;
  })) << text;
  EXPECT_LE(metricValue(text, write_count), 5);
  EXPECT_LT(metricValue(text, R"(livedash_sse_write_latency_seconds_sum{reaction="stream"})"), 30);
}

}  // namespace
}  // namespace livedash::app
