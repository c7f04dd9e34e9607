// tests/integration/app/livedash_cluster_nats_test.cpp
//
// The livedash binary in a scale-out deployment on loopback: a 3-node JetStream cluster (replicas
// 3), one `--role engine` process and two `--role edge` processes, each its own process. An SSE
// client that behaves as the page does (snapshot over REST, then the stream; Last-Event-ID on
// reconnect; a new snapshot on must-refetch) survives an edge killed with SIGKILL under it by
// moving to the other edge, an engine killed and restarted, and a JetStream node killed. Each time
// its view must end equal to the store's own answer in SQL, with no gap and no duplicate.
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/sse_client.hpp"
#include "core/json.hpp"
#include "integration/app/livedash_process.hpp"
#include "support/nats_cluster.hpp"
#include "support/process.hpp"
#include "unit/app/shop_writes.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::integration {
namespace {

using server::test::TestClient;
using testing::NatsCluster;
using testing::SseClient;

std::string configYaml(const NatsCluster& cluster, const std::string& dir) {
  std::string servers;
  for (const std::string& url : cluster.urls()) {
    servers += (servers.empty() ? "" : ", ") + url;
  }
  return fmt::format(R"(host: 127.0.0.1
port: 0
sources:
  - {{kind: embedded, id: shop, path: '{0}/shop.db', schema_files: ['{1}']}}
queries:
  - id: stats
    query: |
      MATCH (o:orders)
      RETURN o.status AS status, count(o) AS orders, sum(o.total) AS revenue
    sources: [{{source_id: shop, nodes: [orders]}}]
reactions:
  - {{kind: sse, id: stream, queries: [stats], sse_path: /events, heartbeat_interval_ms: 60000}}
cluster:
  servers: [{2}]
  stream: LDPROC
  replicas: 3
  snapshot_interval_ms: 200
)",
                     dir, LIVEDASH_SOURCE_DIR "/tests/data/app/shop.sql", servers);
}

//! One livedash process in `role`, on a free port picked at each start.
std::unique_ptr<LivedashProcess> node(const std::string& config, const std::string& role,
                                      const std::string& log) {
  return std::make_unique<LivedashProcess>(
      std::vector<std::string>{"run", "-c", config, "--role", role}, log, 0,
      "/api/v1/queries/stats/results", std::chrono::seconds(40));
}

//! GET results: sequence and rows (canonical JSON). An edge answers 503 (retry) while JetStream
//! moves a leader, each request reading the stream anew, so a 503 is retried for a while.
std::pair<uint64_t, std::multiset<std::string>> resultsOf(uint16_t port) {
  server::test::Reply reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    TestClient c(port);
    reply = c.request("GET", "/api/v1/queries/stats/results");
    if (reply.status != 503 || std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(reply.status, 200) << reply.body;
  core::Value v = core::parseJson(reply.body);
  std::multiset<std::string> rows;
  for (const core::Value& row : v.asMap().at("data").asList()) {
    rows.insert(core::toJson(row));
  }
  return {static_cast<uint64_t>(v.asMap().at("sequence").asInteger()), rows};
}

core::Value sql(uint16_t engine_port, const std::string& statement) {
  TestClient c(engine_port);
  auto reply =
      c.request("POST", "/api/v1/sources/shop/sql", {{"Content-Type", "text/plain"}}, statement);
  EXPECT_EQ(reply.status, 200) << reply.body;
  return core::parseJson(reply.body);
}

//! status → (orders, revenue with 2 decimals).
using Stats = std::map<std::string, std::pair<int64_t, std::string>>;

Stats statsOfRows(const std::multiset<std::string>& rows) {
  Stats out;
  for (const std::string& text : rows) {
    core::Value row = core::parseJson(text);
    const core::Map& m = row.asMap();
    out[m.at("status").asString()] = {m.at("orders").asInteger(),
                                      fmt::format("{:.2f}", m.at("revenue").asNumber())};
  }
  return out;
}

Stats statsOfStore(uint16_t engine_port) {
  core::Value r =
      sql(engine_port, "SELECT status, count(*), sum(total) FROM orders GROUP BY status");
  Stats out;
  for (const core::Value& row : r.asMap().at("data").asMap().at("rows").asList()) {
    const core::List& cells = row.asList();
    out[cells[0].asString()] = {cells[1].asInteger(), fmt::format("{:.2f}", cells[2].asNumber())};
  }
  return out;
}

class LivedashClusterNats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsCluster::available()) {
      GTEST_SKIP() << "nats-server is not installed (scripts/install-deps.sh --test)";
    }
    cluster = NatsCluster::start(3);
    const std::string dir = cluster->directory();
    config = dir + "/livedash.yaml";
    std::ofstream(config) << configYaml(*cluster, dir);
    engine = node(config, "engine", dir + "/engine.log");
    edges[0] = node(config, "edge", dir + "/edge0.log");
    edges[1] = node(config, "edge", dir + "/edge1.log");
    engine->start();
    edges[0]->start();
    edges[1]->start();
  }

  void write(int i) { sql(engine->port(), app::test::shopWrite(i)); }
  //! Until `edge` answers with the engine's sequence. While JetStream moves a leader an edge
  //! answers 503 (retry); that is waited out too.
  void waitForEdge(const LivedashProcess& edge) {
    const uint64_t want = resultsOf(engine->port()).first;
    ASSERT_TRUE(server::test::waitFor(
        [&] {
          TestClient c(edge.port());
          auto reply = c.request("GET", "/api/v1/queries/stats/results");
          EXPECT_TRUE(reply.status == 200 || reply.status == 503) << reply.body;
          return reply.status == 200 &&
                 static_cast<uint64_t>(
                     core::parseJson(reply.body).asMap().at("sequence").asInteger()) >= want;
        },
        std::chrono::seconds(30)));
  }
  void loadSnapshot(SseClient& client, const LivedashProcess& edge) {
    auto [sequence, rows] = resultsOf(edge.port());
    client.view.rows = rows;
    client.view.sequence = sequence;
    client.last_id = 0;
    client.must_refetch = 0;
  }
  //! A page on `edge`: its snapshot loaded over REST, then the stream from there (`?since=`).
  std::unique_ptr<TestClient> joinStream(SseClient& client, const LivedashProcess& edge) {
    waitForEdge(edge);
    loadSnapshot(client, edge);
    return client.open(edge.port(), fmt::format("/events?since=stats:{}", client.view.sequence));
  }

  std::unique_ptr<NatsCluster> cluster;
  std::string config;
  std::unique_ptr<LivedashProcess> engine;
  std::unique_ptr<LivedashProcess> edges[2];
};

TEST_F(LivedashClusterNats, AnSseClientMovesToAnotherEdgeWhenItsEdgeIsKilled) {
  for (int i = 0; i < 10; ++i) {
    write(i);
  }
  waitForEdge(*edges[1]);
  SseClient client;
  auto stream = joinStream(client, *edges[0]);
  for (int i = 10; i < 40; ++i) {
    write(i);
  }
  client.readUntil(*stream, resultsOf(engine->port()).first);
  edges[0]->kill(SIGKILL);
  stream.reset();
  for (int i = 40; i < 80; ++i) {
    write(i);
  }
  waitForEdge(*edges[1]);
  stream = client.open(edges[1]->port(), "/events",
                       fmt::format("Last-Event-ID: {}\r\n", client.last_id));
  const uint64_t end = resultsOf(engine->port()).first;
  client.readUntil(*stream, end);
  EXPECT_EQ(client.must_refetch, 0);
  EXPECT_EQ(client.bad_ids, 0) << "no gap and no duplicate across the move";
  EXPECT_FALSE(client.view.gap);
  EXPECT_EQ(client.view.sequence, end);
  EXPECT_EQ(statsOfRows(client.view.rows), statsOfStore(engine->port()));
}

TEST_F(LivedashClusterNats, AnEngineKilledAndRestartedContinuesItsSequences) {
  for (int i = 0; i < 20; ++i) {
    write(i);
  }
  SseClient client;
  auto stream = joinStream(client, *edges[0]);
  const uint64_t before = resultsOf(engine->port()).first;
  client.readUntil(*stream, before);
  engine->kill(SIGKILL);
  engine->start();
  for (int i = 20; i < 40; ++i) {
    write(i);
  }
  const uint64_t end = resultsOf(engine->port()).first;
  EXPECT_GT(end, before + 1) << "the restarted engine numbers past the old sequence";
  // The edge tells the client its rows are from before the restart; it reloads and rejoins.
  client.readUntil(*stream, end);
  EXPECT_EQ(client.must_refetch, 1);
  waitForEdge(*edges[0]);
  loadSnapshot(client, *edges[0]);
  EXPECT_EQ(client.view.sequence, end);
  EXPECT_EQ(statsOfRows(client.view.rows), statsOfStore(engine->port()));
  // Both edges agree with the restarted engine.
  waitForEdge(*edges[1]);
  EXPECT_EQ(resultsOf(edges[1]->port()).first, end);
}

TEST_F(LivedashClusterNats, AJetStreamNodeKilledMidStreamLosesNothing) {
  for (int i = 0; i < 10; ++i) {
    write(i);
  }
  SseClient client;
  auto stream = joinStream(client, *edges[0]);
  for (int i = 10; i < 30; ++i) {
    write(i);
  }
  cluster->kill(0);
  for (int i = 30; i < 60; ++i) {
    write(i);
  }
  const uint64_t end = resultsOf(engine->port()).first;
  // While JetStream moves its leaders the stream may pause longer than the client's read
  // timeout; the client then reconnects with its last id, as EventSource does.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (client.view.sequence < end && std::chrono::steady_clock::now() < deadline) {
    try {
      client.readUntil(*stream, end);
    } catch (const std::exception&) {
      stream = client.open(edges[0]->port(), "/events",
                           fmt::format("Last-Event-ID: {}\r\n", client.last_id));
    }
  }
  EXPECT_EQ(client.must_refetch, 0);
  EXPECT_EQ(client.bad_ids, 0);
  EXPECT_FALSE(client.view.gap);
  EXPECT_EQ(client.view.sequence, end);
  EXPECT_EQ(statsOfRows(client.view.rows), statsOfStore(engine->port()));
  waitForEdge(*edges[1]);
  EXPECT_EQ(statsOfRows(resultsOf(edges[1]->port()).second), statsOfStore(engine->port()));
}

}  // namespace
}  // namespace livedash::integration
