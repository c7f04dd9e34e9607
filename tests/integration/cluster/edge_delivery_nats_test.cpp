// tests/integration/cluster/edge_delivery_nats_test.cpp
//
// How edges deliver to SSE clients, on a real 3-node JetStream cluster (edge_fixture.hpp): an edge
// consumes a query only while a client of it is connected, yet a client that comes back after the
// consumer went resumes with no gap; and a client of a stream of several queries moves between
// edges with `Last-Event-ID` (every query's sequence) with no gap and no duplicate. Each ends on
// the store's own answer.
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "edge_fixture.hpp"
#include "sse_client.hpp"

namespace livedash::testing {
namespace {

class EdgeDeliveryNats : public EdgeNodeNats {};

TEST_F(EdgeDeliveryNats, AnEdgeConsumesAQueryOnlyWhileItHasClients) {
  writeAndSettle(0, 10);
  // REST reads a query and lets go; no SSE client: nothing is consumed.
  SseClient client;
  RestAnswer start = resultsOf(*edges[0]);
  client.view.rows = start.rows;
  client.view.sequence = start.sequence;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(consumersOf(0, "stats"), 0u);
  EXPECT_EQ(consumersOf(1, "stats"), 0u);

  auto stream =
      client.open(edges[0]->port(), fmt::format("/events?since=stats:{}", start.sequence));
  EXPECT_EQ(consumersOf(0, "stats"), 1u) << "the first client starts the consumer";
  EXPECT_EQ(consumersOf(0, "small"), 0u) << "no client of a stream with small";
  EXPECT_EQ(consumersOf(1, "stats"), 0u) << "the other edge has no client";
  writeAndSettle(10, 30);
  client.readUntil(*stream, resultsOf(*engine).sequence);

  // The client leaves; after the idle grace the consumer goes, while writes go on.
  stream.reset();
  EXPECT_TRUE(eventually([&] { return consumersOf(0, "stats") == 0; }));
  writeAndSettle(30, 50);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a snapshot past the client
  EXPECT_EQ(consumersOf(0, "stats"), 0u);

  // It comes back with its last id: the edge starts again far enough back to resume it.
  client.expectResumeTo(edges[0]->port(), resultsOf(*engine).sequence);
  expectSameStats(statsOfRows(client.view.rows), statsOfStore(*engine));
}

TEST_F(EdgeDeliveryNats, AClientOfSeveralQueriesMovesBetweenEdgesWithNoGapOrDuplicate) {
  writeAndSettle(0, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The page's way in: each query's snapshot over REST, then the stream from their sequences.
  MultiSseClient client;
  for (const char* query : {"stats", "small"}) {
    RestAnswer a = resultsOf(*edges[0], query);
    client.views[query].rows = a.rows;
    client.views[query].sequence = a.sequence;
  }
  auto stream = openSse(edges[0]->port(),
                        fmt::format("/both?since=stats:{},small:{}", client.views["stats"].sequence,
                                    client.views["small"].sequence));
  EXPECT_EQ(consumersOf(0, "small"), 1u);
  writeAndSettle(10, 40);
  auto engineSequences = [&] {
    return std::map<std::string, uint64_t>{{"stats", resultsOf(*engine, "stats").sequence},
                                           {"small", resultsOf(*engine, "small").sequence}};
  };
  client.readUntil(*stream, engineSequences());
  EXPECT_EQ(client.last_id, fmt::format("stats:{},small:{}", client.views["stats"].sequence,
                                        client.views["small"].sequence))
      << "the id is every query's sequence";

  // Its edge dies; the client comes back to the other edge (which had no client, so consumed
  // nothing) with the last id it saw, while writes go on.
  EXPECT_EQ(consumersOf(1, "stats"), 0u);
  edges[0]->stop();
  edges[0].reset();
  stream.reset();
  writeAndSettle(40, 70);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stream = openSse(edges[1]->port(), "/both", fmt::format("Last-Event-ID: {}\r\n", client.last_id));
  const std::map<std::string, uint64_t> end = engineSequences();
  client.readUntil(*stream, end);
  EXPECT_EQ(client.must_refetch, 0);
  EXPECT_EQ(client.duplicates, 0);
  EXPECT_EQ(client.overstated_ids, 0);
  for (const char* query : {"stats", "small"}) {
    EXPECT_FALSE(client.views[query].gap) << query;
    EXPECT_EQ(client.views[query].sequence, end.at(query)) << query;
  }
  expectSameStats(statsOfRows(client.views["stats"].rows), statsOfStore(*engine));
  expectSameStats(statsOfRows(client.views["small"].rows), statsOfStore(*engine, kSmallWhere));
}

}  // namespace
}  // namespace livedash::testing
