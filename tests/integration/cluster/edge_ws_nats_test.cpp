// tests/integration/cluster/edge_ws_nats_test.cpp
//
// WebSocket on edges, on a real 3-node JetStream cluster (edge_fixture.hpp): the single process's
// protocol, a query consumed only while a client watches it, and a client that moves to another
// edge resuming with `since` (the query's sequence, the same on every edge): `resumed` and the
// diffs after it, no gap, no duplicate, ending on the store's own answer.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "edge_fixture.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::testing {
namespace {

using server::test::subscribeMessage;
using server::test::WsTestClient;

class EdgeWsNats : public EdgeNodeNats {
 protected:
  //! Applies messages until the view reaches `sequence`; returns the ops seen.
  std::vector<std::string> readUntil(WsTestClient& c, app::test::ClientView& view,
                                     uint64_t sequence) {
    std::vector<std::string> ops;
    while (view.sequence < sequence || ops.empty()) {
      core::Value m = c.nextJson();
      ops.push_back(app::test::op(m));
      view.apply(m);
    }
    return ops;
  }
};

TEST_F(EdgeWsNats, AClientIsFedOnlyWhileSubscribedAndResumesOnAnotherEdge) {
  writeAndSettle(0, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(consumersOf(0, "stats"), 0u);

  app::test::ClientView view;
  auto ws = std::make_unique<WsTestClient>(edges[0]->port());
  ASSERT_EQ(ws->handshake().status, 101);
  ws->sendText(subscribeMessage("stats"));
  std::vector<std::string> ops = readUntil(*ws, view, resultsOf(*engine).sequence);
  EXPECT_EQ(ops.front(), "snapshot");
  EXPECT_EQ(consumersOf(0, "stats"), 1u);
  EXPECT_EQ(consumersOf(0, "small"), 0u) << "nobody watches small";
  writeAndSettle(10, 40);
  readUntil(*ws, view, resultsOf(*engine).sequence);

  // Its edge dies; the other one has consumed nothing so far. The client subscribes there with
  // the sequence it holds, while writes go on.
  EXPECT_EQ(consumersOf(1, "stats"), 0u);
  edges[0]->stop();
  edges[0].reset();
  ws.reset();
  writeAndSettle(40, 70);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a snapshot past the client
  ws = std::make_unique<WsTestClient>(edges[1]->port());
  ws->sendText(subscribeMessage("stats", {}, view.sequence));
  const uint64_t end = resultsOf(*engine).sequence;
  ops = readUntil(*ws, view, end);
  EXPECT_EQ(ops.front(), "resumed") << "the diffs after its sequence, not a new snapshot";
  EXPECT_FALSE(view.gap) << "no gap and no duplicate across the move";
  EXPECT_EQ(view.sequence, end);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));

  // It leaves: after the idle grace the edge consumes nothing again.
  ws.reset();
  EXPECT_TRUE(eventually([&] { return consumersOf(1, "stats") == 0; }));
}

}  // namespace
}  // namespace livedash::testing
