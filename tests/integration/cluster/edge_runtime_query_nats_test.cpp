// tests/integration/cluster/edge_runtime_query_nats_test.cpp
//
// An edge serves a query its config does not list once an engine has published it (created at
// run time through the engine's operations API), on a real 3-node JetStream cluster
// (edge_fixture.hpp): REST results and a WebSocket live subscription end on the store's own
// answer, and a period subscription gets its value. A query nobody published stays query_not_found.
#include <gtest/gtest.h>

#include "edge_fixture.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::testing {
namespace {

using app::test::op;
using server::test::subscribeMessage;
using server::test::WsTestClient;

class EdgeRuntimeQueryNats : public EdgeNodeNats {
 protected:
  void createLive() {
    server::test::TestClient c(engine->port());
    server::test::Reply r =
        c.request("POST", "/api/v1/queries", {{"Content-Type", "application/json"}}, kLiveQuery);
    ASSERT_EQ(r.status, 201) << r.body;
  }
};

TEST_F(EdgeRuntimeQueryNats, AQueryCreatedAtRunTimeIsServedByEdges) {
  writeAndSettle(0, 10);
  EXPECT_EQ(restResults(*edges[0], "live").status, 404) << "not published yet";
  createLive();
  writeAndSettle(10, 30);

  RestAnswer rest = resultsOf(*edges[0], "live");
  EXPECT_EQ(rest.sequence, resultsOf(*engine, "live").sequence);
  expectSameStats(statsOfRows(rest.rows), statsOfStore(*engine));

  app::test::ClientView view;
  WsTestClient ws(edges[1]->port());
  ASSERT_EQ(ws.handshake().status, 101);
  ws.sendText(subscribeMessage("live"));
  core::Value first = ws.nextJson();
  ASSERT_EQ(op(first), "snapshot") << core::toJson(first);
  view.apply(first);
  EXPECT_EQ(consumersOf(1, "live"), 1u);
  writeAndSettle(30, 50);
  const uint64_t end = resultsOf(*engine, "live").sequence;
  while (view.sequence < end) {
    view.apply(ws.nextJson());
  }
  EXPECT_FALSE(view.gap);
  EXPECT_EQ(view.sequence, end);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));

  // A period subscription of it: its value at once.
  ws.sendText(subscribeMessage("live", "hour"));
  core::Value value = ws.nextJson();
  ASSERT_EQ(op(value), "value") << core::toJson(value);
  EXPECT_EQ(static_cast<uint64_t>(app::test::integer(value, "sequence")), end);
}

TEST_F(EdgeRuntimeQueryNats, AQueryWithNoSnapshotIsNotFound) {
  const RestAnswer rest = restResults(*edges[0], "nope");
  EXPECT_EQ(rest.status, 404);
  WsTestClient ws(edges[0]->port());
  ws.sendText(subscribeMessage("nope"));
  core::Value error = ws.nextJson();
  EXPECT_EQ(op(error), "error");
  EXPECT_EQ(error.asMap().at("code"), core::Value("query_not_found"));
  EXPECT_EQ(consumersOf(0, "nope"), 0u) << "no feed for a query nobody published";
}

}  // namespace
}  // namespace livedash::testing
