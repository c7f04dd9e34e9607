// tests/unit/app/sse_routes_test.cpp
//
// An SSE reaction's routes over real sockets: a routed query sends one templated message per
// changed row on the route's own path, with its own ids and replay log; unrouted queries keep
// the multiplexed diff stream; a default template covers aggregation updates too.
#include <set>

#include <gtest/gtest.h>

#include "unit/app/app_fixture.hpp"

namespace livedash::app {
namespace {

using server::test::SseEvent;
using server::test::TestClient;

class SseRoutesTest : public test::AppFixture {
 protected:
  SseRoutesTest() : AppFixture("sse_routes.yaml") {}

  std::unique_ptr<TestClient> openStream(const std::string& target,
                                         const std::string& extra_headers = {}) {
    auto c = std::make_unique<TestClient>(app->port());
    c->send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n");
    EXPECT_EQ(c->readHead().status, 200) << target;
    return c;
  }

  void sql(const std::string& statement) {
    auto reply = send("POST", "/api/v1/sources/shop/sql", statement, "text/plain");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
};

TEST_F(SseRoutesTest, RoutedRowsAreTemplatedOnTheirOwnPaths) {
  auto pending = openStream("/events/pending");
  auto gone = openStream("/gone");
  auto events = openStream("/events");
  sql("INSERT INTO orders (customer_name, total) VALUES ('Dan', 7), ('Eve', 8)");

  SseEvent first = test::nextData(*pending);
  SseEvent second = test::nextData(*pending);
  // The path counts its own ids: the two pending orders loaded at start were 1 and 2.
  EXPECT_EQ(first.id, "3");
  EXPECT_EQ(first.data, "new order 4 from Dan");
  EXPECT_EQ(second.id, "4");
  EXPECT_EQ(second.data, "new order 5 from Eve");

  // The unrouted query keeps the diff shape on the reaction's own path; the routed one is not
  // multiplexed there.
  core::Value stats = core::parseJson(test::nextData(*events).data);
  EXPECT_EQ(stats.asMap().at("queryId"), core::Value("stats"));
  EXPECT_EQ(stats.asMap().at("updated").asList().size(), 1u);

  sql("DELETE FROM orders WHERE customer_name = 'Dan'");
  SseEvent removed = test::nextData(*gone);
  EXPECT_EQ(removed.id, "1");
  EXPECT_EQ(removed.data, "gone 4\nwas Dan") << "a template spanning lines keeps them";

  // A kind without a route goes to the reaction's path as the row's context in JSON.
  sql("UPDATE orders SET total = 9 WHERE customer_name = 'Eve'");
  SseEvent next = test::nextData(*events);
  core::Value stats_after_delete = core::parseJson(next.data);
  EXPECT_EQ(stats_after_delete.asMap().at("queryId"), core::Value("stats"));
  core::Value update = core::parseJson(test::nextData(*events).data);
  EXPECT_EQ(update.asMap().at("query_name"), core::Value("pending"));
  EXPECT_EQ(update.asMap().at("operation"), core::Value("UPDATE"));
  EXPECT_EQ(update.asMap().at("before").asMap().at("total"), core::Value(8.0));
  EXPECT_EQ(update.asMap().at("after").asMap().at("total"), core::Value(9.0));
  EXPECT_TRUE(update.asMap().count("timestamp"));

  EXPECT_EQ(get("/events/unknown").status, 404);
}

TEST_F(SseRoutesTest, DefaultTemplateCoversAggregationUpdates) {
  auto ticker = openStream("/ticker");
  sql("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Alice'");
  std::multiset<std::string> got;
  got.insert(test::nextData(*ticker).data);
  got.insert(test::nextData(*ticker).data);
  EXPECT_EQ(got, (std::multiset<std::string>{"pending=1 (UPDATE)", "shipped=2 (UPDATE)"}));
}

TEST_F(SseRoutesTest, ResumeOnARouteNeverStartsInsideADiff) {
  auto live = openStream("/events/pending");
  sql("INSERT INTO orders (customer_name, total) VALUES ('Dan', 1), ('Eve', 2), ('Fay', 3)");
  std::vector<SseEvent> rows;
  for (int i = 0; i < 3; ++i) {
    rows.push_back(test::nextData(*live));
  }
  EXPECT_EQ(rows[2].data, "new order 6 from Fay");
  const int64_t at = test::queryResults(*app, "pending").asMap().at("sequence").asInteger();

  // Last-Event-ID replays by the path's own ids, from inside a diff if need be.
  auto resumed = openStream("/events/pending", "Last-Event-ID: " + rows[1].id + "\r\n");
  SseEvent replayed = test::nextData(*resumed);
  EXPECT_EQ(replayed.id, rows[2].id);
  EXPECT_EQ(replayed.data, "new order 6 from Fay");

  // The log keeps three messages; one more diff pushes out the first row of the three-row diff,
  // so a client holding the snapshot before it cannot be served from the log.
  sql("INSERT INTO orders (customer_name, total) VALUES ('Gus', 4)");
  EXPECT_EQ(test::nextData(*resumed).data, "new order 7 from Gus");
  auto too_old = openStream("/events/pending?since=pending:" + std::to_string(at - 1));
  EXPECT_EQ(test::nextData(*too_old).data.rfind(R"({"type":"must-refetch")", 0), 0u)
      << "the log holds only parts of the three-row diff";
  auto current = openStream("/events/pending?since=pending:" + std::to_string(at));
  SseEvent after = test::nextData(*current);
  EXPECT_EQ(after.id, std::to_string(std::stoull(rows[2].id) + 1));
  EXPECT_EQ(after.data, "new order 7 from Gus");
}

}  // namespace
}  // namespace livedash::app
