// tests/integration/cluster/jetstream_harness.hpp
//
// Shared by the scale-out tests: a 3-node JetStream cluster, an engine-role Application on the
// test shop (tests/data/app/shop.sql, in a SQLite file so that a restarted engine finds its
// rows), what a reader of the stream ends up holding, and the store's own answer to compare it
// with. Header-only, like the unit helpers it reuses (unit/app/ws_client_view.hpp).
#pragma once

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "reactions/jetstream/cluster_names.hpp"
#include "reactions/jetstream/nats_client.hpp"
#include "support/nats_cluster.hpp"
#include "unit/app/shop_writes.hpp"
#include "unit/app/ws_client_view.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::testing {

inline constexpr const char* kStream = "LDTEST";

//! Runs `fn` until it does not throw core::Error, for up to 30 s: JetStream requests fail
//! while a lost node's streams elect new leaders.
template <class Fn>
void retrying(Fn&& fn) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      fn();
      return;
    } catch (const core::Error&) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

//! A client once JetStream has a meta leader (it elects one a moment after the servers start).
inline reactions::NatsClientPtr readyClient(const NatsCluster& cluster) {
  reactions::NatsClientPtr client;
  retrying([&] {
    client = std::make_unique<reactions::NatsClient>(
        reactions::NatsClientOptions{cluster.urls(), "livedash test"});
    client->ensureStream(kStream, {reactions::diffSubjects(kStream)}, 3, 120'000);
  });
  return client;
}

//! The shop with the `stats` query, and `more_queries` (YAML items of `queries:`) after it.
inline std::string engineConfig(const NatsCluster& cluster, const std::string& db_path,
                                const std::string& more_queries = {}) {
  std::string servers;
  for (const std::string& url : cluster.urls()) {
    servers += (servers.empty() ? "" : ", ") + url;
  }
  return fmt::format(
      "port: 0\n"
      "sources:\n"
      "  - {{kind: embedded, id: shop, path: '{}', schema_files: ['{}']}}\n"
      "queries:\n"
      "  - id: stats\n"
      "    query: |\n"
      "      MATCH (o:orders)\n"
      "      RETURN o.status AS status, count(o) AS orders, sum(o.total) AS revenue\n"
      "    sources: [{{source_id: shop, nodes: [orders]}}]\n"
      "{}"
      "cluster:\n"
      "  servers: [{}]\n"
      "  stream: {}\n"
      "  replicas: 3\n"
      "  snapshot_interval_ms: 200\n",
      db_path, LIVEDASH_SOURCE_DIR "/tests/data/app/shop.sql", more_queries, servers, kStream);
}

//! `live`, a query to create at run time (POST /api/v1/queries): the same result shape as the
//! config's `stats`, so the harness's comparison applies.
inline const std::string kLiveQuery =
    R"({"id":"live","query":"MATCH (o:orders) RETURN o.status AS status, )"
    R"(count(o) AS orders, sum(o.total) AS revenue","sources":[{"source_id":"shop",)"
    R"("nodes":["orders"]}]})";

//! An Application in `role` on `config_text`, started, on a free port.
inline std::unique_ptr<app::Application> startNode(app::ClusterRole role,
                                                   const std::string& config_text,
                                                   const core::Clock& clock) {
  app::ApplicationOptions options;
  options.port_override = 0;
  options.io_threads = 1;
  options.serve_dashboard = false;
  options.role = role;
  auto app = std::make_unique<app::Application>(
      config::loadConfigString(config_text,
                               role == app::ClusterRole::Edge ? "edge.yaml" : "engine.yaml"),
      options, clock);
  app->start();
  return app;
}

inline std::unique_ptr<app::Application> startEngine(const std::string& config_text,
                                                     const core::Clock& clock) {
  return startNode(app::ClusterRole::Engine, config_text, clock);
}

inline std::unique_ptr<app::Application> startEdge(const std::string& config_text,
                                                   const core::Clock& clock) {
  return startNode(app::ClusterRole::Edge, config_text, clock);
}

//! The engine node's shop gets write `i` (see unit/app/shop_writes.hpp).
inline void writeShop(app::Application& engine, int i) {
  engine.embeddedSource("shop")->executeSql(app::test::shopWrite(i));
}

//! Until the engine has applied every write and published everything it computed.
inline void settle(app::Application& engine) {
  engine.engine().call([](engine::Engine&) { return 0; });
  ASSERT_TRUE(engine.engineNode()->publisherForTest().waitIdleForTest(30'000));
}

//! The diffs of one query as the stream holds them, read in order.
struct StreamReader {
  std::vector<uint64_t> sequences;
  std::vector<core::Value> diffs;
  uint64_t last_stream_sequence = 0;

  //! Reads on from where the last call stopped, until no message came for `quiet_ms`. While a
  //! JetStream node is lost, the stream's leader moves: the read resumes after the last message
  //! it got.
  void readAll(reactions::NatsClient& client, const std::string& query, int64_t quiet_ms = 1500) {
    retrying([&] {
      auto sub = client.subscribe(kStream, reactions::diffSubject(kStream, query),
                                  last_stream_sequence + 1);
      while (auto msg = sub->next(quiet_ms)) {
        last_stream_sequence = msg->stream_sequence;
        sequences.push_back(std::stoull(msg->headers.at(reactions::kSequenceHeader)));
        diffs.push_back(core::parseJson(msg->data));
      }
    });
  }

  //! `view` with every diff after its sequence applied, as an edge would build it.
  void applyTo(app::test::ClientView& view) const {
    for (const core::Value& diff : diffs) {
      if (static_cast<uint64_t>(diff.asMap().at("sequence").asInteger()) > view.sequence) {
        view.applyDiff(diff);
      }
    }
  }
};

//! Sequences that only ever increase (a restart may jump ahead, never back or in place).
inline bool strictlyIncreasing(const std::vector<uint64_t>& sequences) {
  for (size_t i = 1; i < sequences.size(); ++i) {
    if (sequences[i] <= sequences[i - 1]) {
      return false;
    }
  }
  return true;
}

//! The KV snapshot of `query`: {"sequence", "stream_sequence", "data"}.
inline core::Value snapshotOf(reactions::NatsClient& client, const std::string& query) {
  std::optional<std::string> text;
  retrying([&] { text = client.get(reactions::snapshotBucket(kStream), query); });
  EXPECT_TRUE(text.has_value()) << "no snapshot of " << query;
  return text ? core::parseJson(*text) : core::Value();
}

//! What an edge starting now would hold of `query`: the bucket's snapshot plus the diffs after
//! it that `reader` has read.
inline app::test::ClientView edgeView(reactions::NatsClient& client, const StreamReader& reader,
                                      const std::string& query) {
  core::Value snapshot = snapshotOf(client, query);
  app::test::ClientView view;
  view.reset(snapshot.asMap().at("data"), snapshot.asMap().at("sequence").asInteger());
  reader.applyTo(view);
  return view;
}

//! A node's answer to GET /api/v1/queries/{query}/results: its status, sequence and rows.
struct RestAnswer {
  int status = 0;
  uint64_t sequence = 0;
  std::multiset<std::string> rows;
};

inline RestAnswer restResults(const app::Application& node, const std::string& query = "stats") {
  server::test::TestClient c(node.port());
  server::test::Reply reply = c.request("GET", "/api/v1/queries/" + query + "/results");
  RestAnswer a;
  a.status = reply.status;
  if (reply.status != 200) {
    return a;
  }
  core::Value v = core::parseJson(reply.body);
  a.sequence = v.asMap().at("sequence").asInteger();
  for (const core::Value& row : v.asMap().at("data").asList()) {
    a.rows.insert(core::toJson(row));
  }
  return a;
}

//! A test on a fresh 3-node cluster, skipped without nats-server.
class JetStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsCluster::available()) {
      GTEST_SKIP() << "nats-server is not installed (scripts/install-deps.sh --test)";
    }
    cluster = NatsCluster::start(3);
    client = readyClient(*cluster);
  }

  std::unique_ptr<NatsCluster> cluster;
  reactions::NatsClientPtr client;
};

//! status → (orders, revenue), from rows as the query returns them.
using StatsByStatus = std::map<std::string, std::pair<int64_t, double>>;

inline StatsByStatus statsOfRows(const std::multiset<std::string>& rows) {
  StatsByStatus out;
  for (const std::string& row : rows) {
    core::Value v = core::parseJson(row);
    const core::Map& m = v.asMap();
    out[m.at("status").asString()] = {m.at("orders").asInteger(), m.at("revenue").asNumber()};
  }
  return out;
}

//! The store's own answer to the stats query (or to one limited to the orders `where` holds), in
//! SQL.
inline StatsByStatus statsOfStore(app::Application& app, const std::string& where = "1 = 1") {
  sources::SqlResult r = app.embeddedSource("shop")->executeSql(
      "SELECT status, count(*), sum(total) FROM orders WHERE " + where + " GROUP BY status");
  StatsByStatus out;
  for (const core::List& row : r.rows) {
    out[row[0].asString()] = {row[1].asInteger(), row[2].asNumber()};
  }
  return out;
}

inline void expectSameStats(const StatsByStatus& got, const StatsByStatus& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [status, value] : want) {
    ASSERT_TRUE(got.contains(status)) << status;
    EXPECT_EQ(got.at(status).first, value.first) << status;
    EXPECT_NEAR(got.at(status).second, value.second, 1e-6) << status;
  }
}

}  // namespace livedash::testing
