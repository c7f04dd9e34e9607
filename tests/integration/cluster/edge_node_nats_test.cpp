// tests/integration/cluster/edge_node_nats_test.cpp
//
// `--role edge` (REST results and /health) on a real 3-node JetStream cluster with one engine node
// and two edges, all in process: every edge answers with the engine's sequence and rows, a client
// that moves between edges mid-stream never sees a sequence go back and ends on the store's own
// answer, an edge stopped mid-stream costs its client nothing, and a silent engine makes edges
// report staleness while they keep serving the last state.
#include <limits>

#include <gtest/gtest.h>

#include "edge_fixture.hpp"
#include "sse_client.hpp"

namespace livedash::testing {
namespace {

TEST_F(EdgeNodeNats, EveryEdgeAnswersWithTheEnginesSequenceAndRows) {
  writeAndSettle(0, 40);
  RestAnswer from_engine = resultsOf(*engine);
  for (auto& edge : edges) {
    RestAnswer from_edge = resultsOf(*edge);
    EXPECT_EQ(from_edge.sequence, from_engine.sequence);
    EXPECT_EQ(from_edge.rows, from_engine.rows);
    expectSameStats(statsOfRows(from_edge.rows), statsOfStore(*engine));
  }
}

TEST_F(EdgeNodeNats, AClientMovingBetweenEdgesMidStreamNeverGoesBack) {
  uint64_t last = 0;
  for (int i = 0; i < 60; ++i) {
    write(i);
    RestAnswer a = resultsOf(*edges[i % 2]);
    ASSERT_GE(a.sequence, last) << "edge " << i % 2 << " answered from behind the other";
    last = a.sequence;
  }
  settle();
  RestAnswer a = resultsOf(*edges[0]);
  RestAnswer b = resultsOf(*edges[1]);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.sequence, resultsOf(*engine).sequence);
  expectSameStats(statsOfRows(a.rows), statsOfStore(*engine));
}

TEST_F(EdgeNodeNats, AnEdgeStoppedMidStreamCostsItsClientNothing) {
  for (int i = 0; i < 30; ++i) {
    write(i);
  }
  RestAnswer before = resultsOf(*edges[0]);
  edges[0]->stop();
  edges[0].reset();
  writeAndSettle(30, 60);
  RestAnswer after = resultsOf(*edges[1]);
  EXPECT_GT(after.sequence, before.sequence);
  EXPECT_EQ(after.sequence, resultsOf(*engine).sequence);
  expectSameStats(statsOfRows(after.rows), statsOfStore(*engine));
}

TEST_F(EdgeNodeNats, EdgesReportStalenessWhileTheEngineIsDownAndKeepServing) {
  writeAndSettle(0, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  server::test::TestClient c(edges[0]->port());
  core::Value health = core::parseJson(c.request("GET", "/health").body);
  EXPECT_EQ(health.asMap().at("status").asString(), "ok");
  const StatsByStatus store = statsOfStore(*engine);
  const uint64_t sequence = resultsOf(*engine).sequence;
  engine->stop();
  engine.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server::test::TestClient again(edges[0]->port());
  server::test::Reply reply = again.request("GET", "/health");
  EXPECT_EQ(reply.status, 200);
  health = core::parseJson(reply.body);
  EXPECT_EQ(health.asMap().at("status").asString(), "stale");
  EXPECT_GE(health.asMap().at("engine_silent_ms").asInteger(), 1000);
  RestAnswer last = resultsOf(*edges[1]);
  EXPECT_EQ(last.sequence, sequence);
  expectSameStats(statsOfRows(last.rows), store);
}

TEST_F(EdgeNodeNats, AnSseClientResumesOnAnotherEdgeWithNoGapOrDuplicate) {
  writeAndSettle(0, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The page's way in: the snapshot over REST, then the stream from its sequence.
  SseClient client;
  RestAnswer start = resultsOf(*edges[0]);
  client.view.rows = start.rows;
  client.view.sequence = start.sequence;
  auto stream =
      client.open(edges[0]->port(), fmt::format("/events?since=stats:{}", start.sequence));
  writeAndSettle(10, 40);
  const uint64_t middle = resultsOf(*engine).sequence;
  client.readUntil(*stream, middle);
  // The edge dies with its client connected; the client comes back to the other edge with the
  // last id it saw, while writes go on.
  edges[0]->stop();
  edges[0].reset();
  stream.reset();
  writeAndSettle(40, 70);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  client.expectResumeTo(edges[1]->port(), resultsOf(*engine).sequence);
  expectSameStats(statsOfRows(client.view.rows), statsOfStore(*engine));
}

TEST_F(EdgeNodeNats, AnEngineRestartTellsConnectedSseClientsToRefetch) {
  write(0);
  settle();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  SseClient client;
  RestAnswer start = resultsOf(*edges[0]);
  client.view.rows = start.rows;
  client.view.sequence = start.sequence;
  auto stream =
      client.open(edges[0]->port(), fmt::format("/events?since=stats:{}", start.sequence));
  engine->stop();
  engine = startEngine(config_text, clock);
  write(1);
  settle();
  client.readUntil(*stream, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(client.must_refetch, 1);
  EXPECT_FALSE(client.view.gap) << "nothing from after the restart was applied to the old rows";
  // Reloading gives the restarted engine's result, past every number from before.
  RestAnswer reloaded = resultsOf(*edges[1]);
  EXPECT_GT(reloaded.sequence, start.sequence + 1);
  expectSameStats(statsOfRows(reloaded.rows), statsOfStore(*engine));
}

}  // namespace
}  // namespace livedash::testing
