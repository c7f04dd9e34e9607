// tests/integration/cluster/publisher_bound_nats_test.cpp
//
// The engine node's publish queue is bounded (cluster.max_queued_diffs): with every JetStream
// node down, writes overflow it, the query's queued diffs are dropped, and once JetStream is
// back the query's snapshot is republished at its current sequence. An edge then answers the
// store's own result, and its SSE client gets must-refetch (never a silent gap) and, reloading,
// the same result.
#include <limits>

#include <gtest/gtest.h>

#include "jetstream_harness.hpp"
#include "sse_client.hpp"

namespace livedash::testing {
namespace {

uint64_t sequenceOf(app::Application& engine) {
  return engine.engine().call([](engine::Engine& e) { return e.findQuery("stats")->sequence(); });
}

//! The edge's answer once it has the engine's sequence (JetStream elects its leaders again
//! after every node was down: up to a minute).
RestAnswer caughtUp(const app::Application& edge, app::Application& engine) {
  const uint64_t want = sequenceOf(engine);
  RestAnswer a;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    a = restResults(edge);
    if (a.status == 200 && a.sequence == want) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(a.sequence, want) << "the edge never caught up with the engine";
  return a;
}

//! readUntil, for up to a minute: an edge's SSE feed is an ordered JetStream consumer, which
//! libnats recreates only after missing its heartbeats once every node was down.
void readPatiently(SseClient& sse, server::test::TestClient& stream, uint64_t sequence) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    try {
      sse.readUntil(stream, sequence);
      return;
    } catch (const std::runtime_error&) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw;
      }
    }
  }
}

class PublisherBoundNats : public JetStreamTest {
 protected:
  void SetUp() override {
    JetStreamTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    config_text = engineConfig(*cluster, cluster->directory() + "/shop.db") +
                  "  max_queued_diffs: 5\n"
                  "reactions:\n"
                  "  - {kind: sse, id: stream, queries: [stats], sse_path: /events,"
                  " heartbeat_interval_ms: 60000}\n";
    engine = startEngine(config_text, clock);
    edge = startEdge(config_text, clock);
  }
  void TearDown() override {
    if (edge) {
      edge->stop();
    }
    if (engine) {
      engine->stop();
    }
  }

  core::SystemClock clock;
  std::string config_text;
  std::unique_ptr<app::Application> engine;
  std::unique_ptr<app::Application> edge;
};

TEST_F(PublisherBoundNats, AnOverflowWhileJetStreamIsDownEndsInASnapshotAndMustRefetch) {
  for (int i = 0; i < 5; ++i) {
    writeShop(*engine, i);
  }
  settle(*engine);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  SseClient sse;
  RestAnswer start = restResults(*edge);
  ASSERT_EQ(start.status, 200);
  sse.view.rows = start.rows;
  sse.view.sequence = start.sequence;
  auto stream = sse.open(edge->port(), fmt::format("/events?since=stats:{}", start.sequence));

  for (int node = 0; node < 3; ++node) {
    cluster->kill(node);
  }
  // One diff each; the bound is 5, so most of these are dropped.
  for (int i = 5; i < 35; ++i) {
    writeShop(*engine, i);
  }
  engine->engine().call([](engine::Engine&) { return 0; });
  reactions::JetStreamPublisher& publisher = engine->engineNode()->publisherForTest();
  EXPECT_GT(publisher.droppedDiffs(), 0u);
  // The bound, plus the marker that asks for the snapshot and a periodic snapshot at most.
  EXPECT_LE(publisher.queueDepth(), 7u) << "the queue stays within its bound";
  // And says so to the operator.
  server::test::TestClient metrics(engine->port());
  const std::string text = metrics.request("GET", "/metrics").body;
  EXPECT_NE(text.find("livedash_jetstream_dropped_diffs_total " +
                      std::to_string(publisher.droppedDiffs())),
            std::string::npos)
      << text.substr(0, 2000);
  for (int node = 0; node < 3; ++node) {
    cluster->restart(node);
  }

  // The edge answers the store's result once the resync snapshot is in the bucket.
  RestAnswer healed = caughtUp(*edge, *engine);
  expectSameStats(statsOfRows(healed.rows), statsOfStore(*engine));

  // The next diffs tell the connected SSE client to reload instead of skipping the lost stretch.
  for (int i = 35; i < 40; ++i) {
    writeShop(*engine, i);
  }
  settle(*engine);
  readPatiently(sse, *stream, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(sse.must_refetch, 1);
  EXPECT_FALSE(sse.view.gap) << "no diff after the jump was applied to the old rows";

  // Reloading as the page does, then following the stream, ends on the store's answer.
  RestAnswer reloaded = caughtUp(*edge, *engine);
  expectSameStats(statsOfRows(reloaded.rows), statsOfStore(*engine));
  SseClient again;
  again.view.rows = reloaded.rows;
  again.view.sequence = reloaded.sequence;
  auto resumed = again.open(edge->port(), fmt::format("/events?since=stats:{}", reloaded.sequence));
  for (int i = 40; i < 50; ++i) {
    writeShop(*engine, i);
  }
  settle(*engine);
  const uint64_t end = sequenceOf(*engine);
  readPatiently(again, *resumed, end);
  EXPECT_EQ(again.must_refetch, 0);
  EXPECT_EQ(again.bad_ids, 0);
  EXPECT_EQ(again.view.sequence, end);
  expectSameStats(statsOfRows(again.view.rows), statsOfStore(*engine));
}

}  // namespace
}  // namespace livedash::testing
