// tests/integration/cluster/edge_fixture.hpp
//
// The edge tests' setting: a 3-node JetStream cluster, one engine node on the test shop with the
// `stats` query and `small` (the same over orders under 5), and two edges, all in process. Each
// edge serves the SSE streams `/events` (stats) and `/both` (stats and small) and lets go of a
// query 300 ms after its last client left. Header-only, like jetstream_harness.hpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "app/edge_node.hpp"
#include "jetstream_harness.hpp"
#include "unit/app/shop_writes.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::testing {

//! `small`'s orders, in SQL, for statsOfStore().
inline constexpr const char* kSmallWhere = "total < 5";
inline constexpr const char* kSmallQuery =
    "  - id: small\n"
    "    query: |\n"
    "      MATCH (o:orders) WHERE o.total < 5\n"
    "      RETURN o.status AS status, count(o) AS orders, sum(o.total) AS revenue\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n";

//! Whether `done` holds within 10 s.
inline bool eventually(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

//! A node's REST answer for `query`, which must be a success.
inline RestAnswer resultsOf(const app::Application& node, const std::string& query = "stats") {
  RestAnswer a = restResults(node, query);
  EXPECT_EQ(a.status, 200) << "GET /api/v1/queries/" << query << "/results";
  return a;
}

class EdgeNodeNats : public JetStreamTest {
 protected:
  void SetUp() override {
    JetStreamTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    config_text = engineConfig(*cluster, cluster->directory() + "/shop.db", kSmallQuery) +
                  "  stale_after_ms: 1000\n"
                  "  edge_idle_ms: 300\n"
                  "reactions:\n"
                  "  - {kind: sse, id: stream, queries: [stats], sse_path: /events,"
                  " heartbeat_interval_ms: 60000}\n"
                  "  - {kind: sse, id: both, queries: [stats, small], sse_path: /both,"
                  " heartbeat_interval_ms: 60000}\n";
    engine = startEngine(config_text, clock);
    edges[0] = startEdge(config_text, clock);
    edges[1] = startEdge(config_text, clock);
  }
  void TearDown() override {
    for (auto& edge : edges) {
      if (edge) {
        edge->stop();
      }
    }
    if (engine) {
      engine->stop();
    }
  }

  void write(int i) { writeShop(*engine, i); }
  //! JetStream consumers of `query` that edge `edge` holds open now.
  size_t consumersOf(int edge, const std::string& query) {
    return edges[edge]->edgeNode()->consumersOf(query);
  }
  void settle() { testing::settle(*engine); }
  //! Writes `from` to `to` (not included), then until the engine has published them.
  void writeAndSettle(int from, int to) {
    for (int i = from; i < to; ++i) {
      write(i);
    }
    settle();
  }

  core::SystemClock clock;
  std::string config_text;
  std::unique_ptr<app::Application> engine;
  std::unique_ptr<app::Application> edges[2];
};

}  // namespace livedash::testing
