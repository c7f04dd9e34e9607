// tests/unit/app/ops_api_test.cpp
//
// The operations API over real sockets (docs/operations-api.md), on the shop of shop.yaml:
// queries, reactions and sources created, stopped, started and deleted at run time, and what
// clients of /results and of the SSE streams see meanwhile.
#include <gtest/gtest.h>

#include "unit/app/app_fixture.hpp"

namespace livedash::app {
namespace {

using server::test::Reply;
using server::test::SseEvent;
using server::test::TestClient;

const std::string kPendingQuery = R"({"id":"pending","query":"MATCH (o:orders) WHERE )"
                                  R"(o.status = 'pending' RETURN o.customer_name AS name",)"
                                  R"("sources":[{"source_id":"shop","nodes":["orders"]}]})";

core::Map body(const Reply& r) {
  return core::parseJson(r.body).asMap();
}

std::string errorCode(const Reply& r) {
  return body(r).at("error").asMap().at("code").asString();
}

std::string errorMessage(const Reply& r) {
  return body(r).at("error").asMap().at("message").asString();
}

class OpsApiTest : public test::AppFixture {
 protected:
  OpsApiTest() : AppFixture("shop.yaml") {}

  Reply post(const std::string& target, const std::string& json = {}) {
    return send("POST", target, json);
  }
  Reply sql(const std::string& statement) {
    return send("POST", "/api/v1/sources/shop/sql", statement, "text/plain");
  }
  //! A query's rows' `name` column, sorted, and its sequence.
  std::pair<std::vector<std::string>, int64_t> names(const std::string& query) {
    Reply r = get("/api/v1/queries/" + query + "/results");
    EXPECT_EQ(r.status, 200) << r.body;
    core::Map envelope = body(r);
    std::vector<std::string> out;
    for (const core::Value& row : envelope.at("data").asList())
      out.push_back(row.asMap().at("name").asString());
    std::sort(out.begin(), out.end());
    return {out, envelope.at("sequence").asInteger()};
  }
  int64_t sequence(const std::string& query) {
    Reply r = get("/api/v1/queries/" + query + "/results");
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r).at("sequence").asInteger();
  }
  //! An SSE reaction on its own (free) port carrying `queries`; returns that port.
  uint16_t sseReaction(const std::string& id, const std::string& queries) {
    Reply r = post("/api/v1/reactions", R"({"kind":"sse","id":")" + id +
                                            R"(","port":0,"sse_path":"/live","queries":)" +
                                            queries + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return static_cast<uint16_t>(body(r).at("data").asMap().at("port").asInteger());
  }
  static void subscribe(TestClient& client, const std::string& path = "/live") {
    client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    EXPECT_EQ(client.readHead().status, 200);
  }
};

TEST_F(OpsApiTest, QueryCreatedAtRunTimeBootstrapsAndStreamsItsDiffs) {
  Reply created = post("/api/v1/queries", kPendingQuery);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/api/v1/queries/pending");
  EXPECT_EQ(body(created).at("data").asMap().at("status"), core::Value("Running"));
  auto [rows, first] = names("pending");
  EXPECT_EQ(rows, (std::vector<std::string>{"Alice", "Bob"})) << "bootstrapped from the store";

  TestClient stream(sseReaction("pending-stream", R"(["pending"])"));
  subscribe(stream);
  ASSERT_EQ(sql("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'").status, 200);
  SseEvent event = test::nextData(stream);
  core::Map diff = core::parseJson(event.data).asMap();
  EXPECT_EQ(diff.at("queryId"), core::Value("pending"));
  EXPECT_EQ(diff.at("sequence"), core::Value(first + 1));
  ASSERT_EQ(diff.at("deleted").asList().size(), 1u) << event.data;
  EXPECT_EQ(diff.at("deleted").asList()[0].asMap().at("name"), core::Value("Bob"));
  EXPECT_EQ(names("pending").first, std::vector<std::string>{"Alice"});

  Reply listed = get("/api/v1/queries");
  EXPECT_NE(listed.body.find(R"("id":"pending","status":"Running")"), std::string::npos)
      << listed.body;
}

TEST_F(OpsApiTest, InvalidBodiesAreLocatedInTheBody) {
  // YAML: the query's error points at the body's line and column, with a caret under it.
  Reply bad_query = send("POST", "/api/v1/queries",
                         "id: broken\n"
                         "query: |\n"
                         "  MATCH (o:orders)\n"
                         "  RETURN x.status AS status\n"
                         "sources: [{source_id: shop}]\n",
                         "application/yaml");
  EXPECT_EQ(bad_query.status, 400) << bad_query.body;
  EXPECT_EQ(errorCode(bad_query), "config_invalid");
  std::string message = errorMessage(bad_query);
  EXPECT_NE(message.find("body:4:10: query: "), std::string::npos) << message;
  EXPECT_NE(message.find("RETURN x.status AS status\n"), std::string::npos) << message;
  EXPECT_NE(message.find("|        ^"), std::string::npos) << message;

  // JSON: the same, on line 1.
  Reply json_query =
      post("/api/v1/queries", R"({"id":"broken","query":"MATCH (o:orders) )"
                              R"(RETURN x.status","sources":[{"source_id":"shop"}]})");
  EXPECT_EQ(json_query.status, 400) << json_query.body;
  EXPECT_NE(errorMessage(json_query).find("body:1:49: query: "), std::string::npos)
      << errorMessage(json_query);
  EXPECT_NE(errorMessage(json_query).find('^'), std::string::npos);

  Reply unknown_key = post("/api/v1/queries",
                           "{\"id\": \"k\",\n \"query\": \"MATCH (o:orders) RETURN o\",\n"
                           " \"sources\": [{\"source_id\": \"shop\"}],\n \"sourcez\": 1}");
  EXPECT_EQ(unknown_key.status, 400);
  EXPECT_NE(errorMessage(unknown_key).find("body:4:2: sourcez: "), std::string::npos)
      << errorMessage(unknown_key);

  Reply unknown_source = post("/api/v1/queries", R"({"id":"u","query":"MATCH (o:orders) RETURN o",)"
                                                 R"("sources":[{"source_id":"shpo"}]})");
  EXPECT_EQ(unknown_source.status, 400);
  EXPECT_NE(errorMessage(unknown_source).find("sources[0].source_id: unknown source `shpo`"),
            std::string::npos)
      << errorMessage(unknown_source);
  EXPECT_NE(errorMessage(unknown_source).find("did you mean `shop`?"), std::string::npos);

  Reply not_a_map = post("/api/v1/queries", "[1, 2]");
  EXPECT_EQ(not_a_map.status, 400);
  EXPECT_EQ(post("/api/v1/queries", "{\"id\": ").status, 400) << "a syntax error";
  EXPECT_EQ(post("/api/v1/queries", "").status, 400);
  EXPECT_EQ(get("/api/v1/queries/broken").status, 404) << "nothing was created";
}

TEST_F(OpsApiTest, TakenIdsConflictAndUnknownIdsAreNotFound) {
  Reply duplicate = post("/api/v1/queries", R"({"id":"stats","query":"MATCH (o:orders) RETURN o",)"
                                            R"("sources":[{"source_id":"shop"}]})");
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_EQ(errorCode(duplicate), "conflict");
  EXPECT_EQ(post("/api/v1/sources", R"({"kind":"embedded","id":"shop"})").status, 409);
  EXPECT_EQ(post("/api/v1/reactions", R"({"kind":"log","id":"stream","queries":["stats"]})").status,
            409);

  EXPECT_EQ(errorCode(post("/api/v1/queries/nope/start")), "query_not_found");
  EXPECT_EQ(post("/api/v1/queries/nope/stop").status, 404);
  EXPECT_EQ(send("DELETE", "/api/v1/queries/nope", "").status, 404);
  EXPECT_EQ(errorCode(post("/api/v1/sources/nope/stop")), "source_not_found");
  EXPECT_EQ(errorCode(send("DELETE", "/api/v1/reactions/nope", "")), "reaction_not_found");

  Reply in_use = send("DELETE", "/api/v1/sources/shop", "");
  EXPECT_EQ(in_use.status, 409) << in_use.body;
  EXPECT_NE(errorMessage(in_use).find("used by query stats"), std::string::npos);
}

TEST_F(OpsApiTest, StoppedQueryEmitsNothingAndRestartsWithAFreshSnapshot) {
  TestClient stream(app->port());
  subscribe(stream, "/events");
  EXPECT_EQ(sequence("stats"), 1);

  Reply stopped = post("/api/v1/queries/stats/stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(body(stopped).at("data").asMap().at("status"), core::Value("Stopped"));
  Reply results = get("/api/v1/queries/stats/results");
  EXPECT_EQ(results.status, 503);
  EXPECT_EQ(errorCode(results), "query_stopped");
  EXPECT_EQ(get("/api/v1/queries/stats").status, 200) << "the definition stays";
  EXPECT_NE(get("/metrics").body.find("livedash_query_running{query=\"stats\"} 0"),
            std::string::npos);
  ASSERT_EQ(sql("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'").status, 200);
  EXPECT_EQ(post("/api/v1/queries/stats/stop").status, 200) << "stop is idempotent";

  ASSERT_EQ(post("/api/v1/queries/stats/start").status, 200);
  Reply fresh = get("/api/v1/queries/stats/results");
  ASSERT_EQ(fresh.status, 200);
  // Restarted: the snapshot holds what happened while stopped, under a new number, so a client
  // holding 1 sees a gap (its next diff is 3) and reloads rather than patch a stale view.
  EXPECT_EQ(body(fresh).at("sequence"), core::Value(2));
  EXPECT_NE(fresh.body.find(R"({"status":"shipped","orders":2,"revenue":25.25})"),
            std::string::npos)
      << fresh.body;

  ASSERT_EQ(sql("UPDATE orders SET total = 1 WHERE customer_name = 'Alice'").status, 200);
  SseEvent event = test::nextData(stream);
  core::Map diff = core::parseJson(event.data).asMap();
  EXPECT_EQ(diff.at("sequence"), core::Value(3))
      << "nothing was sent while stopped: " << event.data;
  EXPECT_EQ(event.id, "2") << "the stream's own numbering goes on";
}

TEST_F(OpsApiTest, DeletedQueryIsGoneFromRoutesAndStreams) {
  ASSERT_EQ(post("/api/v1/queries", kPendingQuery).status, 201);
  TestClient stream(sseReaction("both", R"(["stats","pending"])"));
  subscribe(stream);

  Reply deleted = send("DELETE", "/api/v1/queries/stats", "");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(get("/api/v1/queries/stats").status, 404);
  EXPECT_EQ(errorCode(get("/api/v1/queries/stats/results")), "query_not_found");
  EXPECT_EQ(get("/api/v1/queries").body.find(R"("id":"stats")"), std::string::npos);
  EXPECT_EQ(get("/metrics").body.find("livedash_query_running{query=\"stats\"}"),
            std::string::npos);

  // This write changes both queries' results; only `pending` is left to carry it.
  ASSERT_EQ(sql("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'").status, 200);
  SseEvent event = test::nextData(stream);
  EXPECT_EQ(core::parseJson(event.data).asMap().at("queryId"), core::Value("pending"))
      << event.data;

  // Created again, a query with the old id continues after the old numbering.
  ASSERT_EQ(post("/api/v1/queries", R"({"id":"stats","query":"MATCH (o:orders) RETURN )"
                                    R"(o.customer_name AS name","sources":[{"source_id":"shop"}]})")
                .status,
            201);
  EXPECT_EQ(sequence("stats"), 2);
}

TEST_F(OpsApiTest, ReactionsAreCreatedStoppedAndDeleted) {
  Reply needs_port = post("/api/v1/reactions", R"({"kind":"sse","id":"s","queries":["stats"]})");
  EXPECT_EQ(needs_port.status, 400);
  EXPECT_NE(errorMessage(needs_port).find("needs its own `port`"), std::string::npos);
  Reply unknown_query = post("/api/v1/reactions", R"({"kind":"log","id":"l","queries":["stat"]})");
  EXPECT_EQ(unknown_query.status, 400);
  EXPECT_NE(errorMessage(unknown_query).find("queries[0]: unknown query `stat`"), std::string::npos)
      << errorMessage(unknown_query);

  Reply log = send("POST", "/api/v1/reactions",
                   "kind: log\nid: audit\nqueries: [stats]\ndefault_template: '{{after.status}}'\n",
                   "application/yaml");
  ASSERT_EQ(log.status, 201) << log.body;
  EXPECT_EQ(body(log).at("data").asMap().at("kind"), core::Value("log"));

  uint16_t port = sseReaction("feed", R"(["stats"])");
  ASSERT_NE(port, app->port());
  {
    TestClient stream(port);
    subscribe(stream);
    ASSERT_EQ(post("/api/v1/reactions/feed/stop").status, 200);
    ASSERT_EQ(sql("UPDATE orders SET total = 2 WHERE customer_name = 'Alice'").status, 200);
    Reply started = post("/api/v1/reactions/feed/start");
    ASSERT_EQ(started.status, 200);
    EXPECT_EQ(body(started).at("data").asMap().at("status"), core::Value("Running"));
    ASSERT_EQ(sql("UPDATE orders SET total = 3 WHERE customer_name = 'Alice'").status, 200);
    core::Map diff = core::parseJson(test::nextData(stream).data).asMap();
    EXPECT_EQ(diff.at("sequence"), core::Value(3)) << "the diff made while stopped never came";
  }
  Reply listed = get("/api/v1/reactions");
  EXPECT_NE(listed.body.find(R"("id":"audit")"), std::string::npos);
  EXPECT_NE(listed.body.find(R"("id":"feed")"), std::string::npos);

  EXPECT_EQ(send("DELETE", "/api/v1/reactions/feed", "").status, 200);
  EXPECT_EQ(send("DELETE", "/api/v1/reactions/audit", "").status, 200);
  EXPECT_EQ(get("/api/v1/reactions/feed").status, 404);
  EXPECT_THROW(TestClient gone(port), std::runtime_error) << "its listener is closed";
  EXPECT_EQ(get("/api/v1/reactions").body.find(R"("id":"audit")"), std::string::npos);
}

TEST_F(OpsApiTest, StoppedSourceFeedsNothingAndCatchesUpOnStart) {
  Reply stopped = post("/api/v1/sources/shop/stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(body(stopped).at("data").asMap().at("status"), core::Value("Stopped"));
  EXPECT_EQ(get("/health").status, 200) << "a source stopped on purpose is not a fault";

  // The store still takes writes; the engine does not see them yet.
  ASSERT_EQ(sql("DELETE FROM orders WHERE customer_name = 'Carol'").status, 200);
  ASSERT_EQ(sql("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'").status, 200);
  Reply frozen = get("/api/v1/queries/stats/results");
  EXPECT_EQ(body(frozen).at("sequence"), core::Value(1));
  EXPECT_NE(frozen.body.find(R"({"status":"shipped","orders":1,"revenue":5.0})"),
            std::string::npos);

  ASSERT_EQ(post("/api/v1/sources/shop/start").status, 200);
  // The new bootstrap replaces the old rows in one transaction: Carol's deleted row is gone and
  // the result changed once.
  Reply caught_up = get("/api/v1/queries/stats/results");
  EXPECT_EQ(body(caught_up).at("sequence"), core::Value(2)) << caught_up.body;
  EXPECT_NE(caught_up.body.find(R"({"status":"shipped","orders":1,"revenue":20.25})"),
            std::string::npos)
      << caught_up.body;
  EXPECT_NE(caught_up.body.find(R"({"status":"pending","orders":1,"revenue":10.5})"),
            std::string::npos)
      << caught_up.body;
}

TEST_F(OpsApiTest, SourceCreatedAtRunTimeServesAQueryAndIsDeletedLast) {
  Reply created = post("/api/v1/sources", R"({"kind":"embedded","id":"shop2","schema_files":[")" +
                                              std::string(LIVEDASH_SOURCE_DIR) +
                                              R"(/tests/data/app/shop.sql"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body(created).at("data").asMap().at("kind"), core::Value("embedded"));
  EXPECT_EQ(post("/api/v1/sources", R"({"kind":"embedded","id":"x","pathh":":memory:"})").status,
            400);

  ASSERT_EQ(post("/api/v1/queries", R"({"id":"totals","query":"MATCH (o:orders) RETURN )"
                                    R"(sum(o.total) AS total","sources":[{"source_id":"shop2"}]})")
                .status,
            201);
  // Both stores publish `orders` with the same rows: the engine holds one graph, so the second
  // store's rows are the first's.
  Reply totals = get("/api/v1/queries/totals/results");
  EXPECT_NE(totals.body.find(R"({"total":35.75})"), std::string::npos) << totals.body;
  EXPECT_EQ(send("DELETE", "/api/v1/sources/shop2", "").status, 409);
  EXPECT_EQ(send("DELETE", "/api/v1/queries/totals", "").status, 200);
  EXPECT_EQ(send("DELETE", "/api/v1/sources/shop2", "").status, 200);
  EXPECT_EQ(get("/api/v1/sources/shop2").status, 404);
  EXPECT_EQ(get("/api/v1/sources/shop").status, 200);
  // A label another source publishes too is left alone when one of them goes.
  EXPECT_EQ(sequence("stats"), 1);
  EXPECT_NE(get("/api/v1/queries/stats/results").body.find(R"("orders":2)"), std::string::npos);
}

}  // namespace
}  // namespace livedash::app
