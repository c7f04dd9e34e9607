// tests/unit/app/api_test.cpp
//
// The wired application over real sockets: REST snapshot with sequence, row CRUD and SQL on the
// embedded store, JSON errors, and the SSE stream carrying the diffs those writes cause.
#include <gtest/gtest.h>

#include "unit/app/app_fixture.hpp"

namespace livedash::app {
namespace {

using server::test::TestClient;

class ApiTest : public test::AppFixture {
 protected:
  ApiTest() : AppFixture("shop.yaml") {}

  core::Value results() {
    auto reply = get("/api/v1/queries/stats/results");
    EXPECT_EQ(reply.status, 200);
    return core::parseJson(reply.body);
  }
};

std::string sortedDataJson(const core::Value& envelope) {
  std::vector<std::string> rows;
  for (const core::Value& row : envelope.asMap().at("data").asList())
    rows.push_back(core::toJson(row));
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& r : rows)
    out += r + "\n";
  return out;
}

TEST_F(ApiTest, HealthAndSnapshotWithSequence) {
  auto health = get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(core::parseJson(health.body).asMap().at("status"), core::Value("ok"));
  core::Value r = results();
  EXPECT_EQ(r.asMap().at("success"), core::Value(true));
  EXPECT_TRUE(r.asMap().at("error").isNull());
  EXPECT_EQ(r.asMap().at("sequence"), core::Value(1)) << "the bootstrap batch is diff 1";
  EXPECT_EQ(sortedDataJson(r),
            "{\"orders\":1,\"revenue\":5.0,\"status\":\"shipped\"}\n"
            "{\"orders\":2,\"revenue\":30.75,\"status\":\"pending\"}\n");
}

TEST_F(ApiTest, SqlWriteIsVisibleInTheNextSnapshotAndOnTheStream) {
  TestClient stream(app->port());
  stream.send("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
  auto head = stream.readHead();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");

  auto reply =
      send("POST", "/api/v1/sources/shop/sql",
           R"({"sql":"UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(core::parseJson(reply.body).asMap().at("data").asMap().at("changes"), core::Value(1));
  core::Value r = results();
  EXPECT_EQ(r.asMap().at("sequence"), core::Value(2));
  EXPECT_EQ(sortedDataJson(r),
            "{\"orders\":1,\"revenue\":10.5,\"status\":\"pending\"}\n"
            "{\"orders\":2,\"revenue\":25.25,\"status\":\"shipped\"}\n");

  server::test::SseEvent event = test::nextData(stream);
  EXPECT_EQ(event.id, "2") << "the bootstrap diff was event 1, before this client connected";
  core::Value diff = core::parseJson(event.data);
  EXPECT_EQ(diff.asMap().at("queryId"), core::Value("stats"));
  EXPECT_EQ(diff.asMap().at("sequence"), core::Value(2));
  EXPECT_EQ(diff.asMap().at("updated").asList().size(), 2u);
  EXPECT_TRUE(diff.asMap().at("added").asList().empty());
}

TEST_F(ApiTest, RowCrudRoundTrip) {
  const std::string rows = "/api/v1/sources/shop/tables/orders/rows";
  auto created = send("POST", rows, R"({"customer_name":"Dan","total":7.5})");
  ASSERT_EQ(created.status, 201) << created.body;
  core::Value row = core::parseJson(created.body).asMap().at("data");
  EXPECT_EQ(row.asMap().at("status"), core::Value("pending"));
  std::string id = core::toJson(row.asMap().at("id"));

  auto patched = send("PATCH", rows + "/" + id, R"({"status":"packing"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto fetched = get(rows + "/" + id);
  EXPECT_EQ(core::parseJson(fetched.body).asMap().at("data").asMap().at("status"),
            core::Value("packing"));
  auto listed = get(rows + "?limit=2");
  EXPECT_EQ(core::parseJson(listed.body).asMap().at("data").asList().size(), 2u);

  EXPECT_EQ(send("DELETE", rows + "/" + id, "").status, 204);
  EXPECT_EQ(get(rows + "/" + id).status, 404);
}

TEST_F(ApiTest, BadInputGetsJsonErrorsAndChangesNothing) {
  auto check = [](const server::test::Reply& r, int status, const char* code) {
    EXPECT_EQ(r.status, status) << r.body;
    core::Value body = core::parseJson(r.body);
    EXPECT_EQ(body.asMap().at("success"), core::Value(false));
    EXPECT_EQ(body.asMap().at("error").asMap().at("code"), core::Value(code)) << r.body;
  };
  check(send("POST", "/api/v1/sources/shop/sql", "UPDATE orders SET total = -1", "text/plain"), 400,
        "constraint_violation");
  check(send("POST", "/api/v1/sources/shop/sql", "SELEC 1", "text/plain"), 400, "sql_error");
  check(send("POST", "/api/v1/sources/shop/tables/orders/rows", "{not json"), 400, "invalid_json");
  check(send("POST", "/api/v1/sources/shop/tables/orders/rows", R"({"customer_name":"x"})"), 400,
        "constraint_violation");
  check(get("/api/v1/queries/nope/results"), 404, "query_not_found");
  check(get("/api/v1/sources/nope/tables"), 404, "source_not_found");
  check(get("/api/v1/nothing/here"), 404, "not_found");
  EXPECT_EQ(results().asMap().at("sequence"), core::Value(1))
      << "no failed write reached the engine";
}

}  // namespace
}  // namespace livedash::app
