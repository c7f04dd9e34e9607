// tests/unit/config/cluster_config_test.cpp
//
// `cluster:`: defaults, both spellings, which engine node runs a query, and every mistake
// reported with file, key path and line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::briefs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::rejectionOfText;

constexpr std::string_view kQueries =
    "sources:\n"
    "  - {kind: embedded, id: shop}\n"
    "queries:\n"
    "  - id: stats\n"
    "    query: MATCH (o:orders) RETURN o.id AS id\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n"
    "  - id: totals\n"
    "    query: MATCH (o:orders) RETURN count(o) AS n\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n";

std::string withQueries(std::string_view rest) {
  return std::string(kQueries) + std::string(rest);
}

TEST(ClusterConfig, AbsentMeansASingleProcess) {
  ServerConfig c = loadConfigString(kQueries, "inline.yaml");
  EXPECT_FALSE(c.cluster.present);
  EXPECT_EQ(engineNodeOf(c.cluster, "stats"), "engine");
}

TEST(ClusterConfig, LoadsSnakeCaseWithDefaults) {
  ServerConfig c = loadConfigString(withQueries("cluster:\n"
                                                "  servers: [nats://127.0.0.1:4222, "
                                                "nats://127.0.0.1:4223]\n"),
                                    "inline.yaml");
  ASSERT_TRUE(c.cluster.present);
  EXPECT_EQ(c.cluster.servers.size(), 2u);
  EXPECT_EQ(c.cluster.stream, "LIVEDASH");
  EXPECT_EQ(c.cluster.replicas, 1u);
  EXPECT_EQ(c.cluster.snapshot_interval_ms, 5000u);
  EXPECT_EQ(c.cluster.stale_after_ms, 15000u);
  EXPECT_EQ(c.cluster.max_queued_diffs, 100'000u);
  EXPECT_EQ(c.cluster.max_queued_bytes, 64u << 20);
  EXPECT_EQ(c.cluster.edge_idle_ms, 5000u);
  EXPECT_TRUE(c.cluster.engines.empty());
  EXPECT_EQ(engineNodeOf(c.cluster, "totals"), "engine");
}

TEST(ClusterConfig, LoadsCamelCaseAndPinsQueriesToEngineNodes) {
  ServerConfig c = loadConfigString(withQueries("cluster:\n"
                                                "  servers: [nats://10.0.0.1:4222]\n"
                                                "  stream: shop_diffs\n"
                                                "  replicas: 3\n"
                                                "  snapshotIntervalMs: 250\n"
                                                "  staleAfterMs: 2000\n"
                                                "  maxQueuedDiffs: 500\n"
                                                "  maxQueuedBytes: 1048576\n"
                                                "  edgeIdleMs: 0\n"
                                                "  engines:\n"
                                                "    engine-b: [totals]\n"
                                                "    engine-a: []\n"),
                                    "inline.yaml");
  EXPECT_EQ(c.cluster.stream, "shop_diffs");
  EXPECT_EQ(c.cluster.replicas, 3u);
  EXPECT_EQ(c.cluster.snapshot_interval_ms, 250u);
  EXPECT_EQ(c.cluster.stale_after_ms, 2000u);
  EXPECT_EQ(c.cluster.max_queued_diffs, 500u);
  EXPECT_EQ(c.cluster.max_queued_bytes, 1048576u);
  EXPECT_EQ(c.cluster.edge_idle_ms, 0u);
  ASSERT_EQ(c.cluster.engines.size(), 2u);
  EXPECT_EQ(c.cluster.engines[0].name, "engine-b") << "file order is kept";
  EXPECT_EQ(engineNodeOf(c.cluster, "totals"), "engine-b");
  EXPECT_EQ(engineNodeOf(c.cluster, "stats"), "engine-b") << "unpinned: the first node";
  c = loadConfigString(withQueries("cluster:\n"
                                   "  servers: [nats://10.0.0.1:4222]\n"
                                   "  engines: {engine-a: [stats], engine-b: [totals]}\n"),
                       "inline.yaml");
  EXPECT_EQ(engineNodeOf(c.cluster, "stats"), "engine-a");
  EXPECT_EQ(engineNodeOf(c.cluster, "totals"), "engine-b");
}

TEST(ClusterConfig, MistakesAreLocated) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withQueries("cluster:\n"                                 // 10
                                  "  servers: [nats://a:4222, http://b:80]\n"  // 11
                                  "  stream: live.dash\n"                      // 12
                                  "  replicas: 7\n"                            // 13
                                  "  snapshot_interval_ms: 10\n"               // 14
                                  "  stale_after_ms: fast\n"                   // 15
                                  "  engines:\n"                               // 16
                                  "    engine-a: [stats, totls]\n"             // 17
                                  "    engine.b: [stats]\n"                    // 18
                                  "  replica: 3\n"));                          // 19
  EXPECT_THAT(briefs(ds),
              ElementsAre("11:28 cluster.servers[1]: `http://b:80` is not a NATS server URL",
                          "12:11 cluster.stream: `live.dash` is not a valid JetStream stream name",
                          "13:13 cluster.replicas: replicas must be between 1 and 5",
                          "14:25 cluster.snapshot_interval_ms: snapshot_interval_ms must be "
                          "between 100 and 3600000",
                          "15:19 cluster.stale_after_ms: expected a whole number, got a string",
                          "17:23 cluster.engines.engine-a[1]: unknown query `totls`",
                          "18:5 cluster.engines.engine.b: `engine.b` is not a valid engine node "
                          "name",
                          "18:15 cluster.engines.engine.b: query `stats` is pinned to both "
                          "`engine-a` and `engine.b`",
                          "19:3 cluster.replica: unknown key `replica`"));
  ASSERT_EQ(ds.size(), 9u);
  EXPECT_EQ(ds[5].hint, "did you mean `totals`?");
  EXPECT_EQ(ds[0].file, "inline.yaml");
}

TEST(ClusterConfig, ServersAreRequiredAndNotEmpty) {
  EXPECT_THAT(briefs(rejectionOfText(withQueries("cluster:\n  stream: x\n"))),
              ElementsAre("11:3 cluster: missing required key `servers`"));
  EXPECT_THAT(briefs(rejectionOfText(withQueries("cluster:\n  servers: []\n"))),
              ElementsAre("11:12 cluster.servers: the list of servers is empty"));
  EXPECT_THAT(briefs(rejectionOfText(withQueries("cluster: nats://a:4222\n"))),
              ElementsAre(HasSubstr("10:10 cluster: expected a mapping")));
}

TEST(ClusterConfig, PublishQueueBoundsAreChecked) {
  EXPECT_THAT(
      briefs(rejectionOfText(withQueries("cluster:\n"
                                         "  servers: [nats://a:4222]\n"
                                         "  max_queued_diffs: 0\n"
                                         "  max_queued_bytes: 10\n"))),
      ElementsAre("12:21 cluster.max_queued_diffs: max_queued_diffs must be between 1 and "
                  "100000000",
                  "13:21 cluster.max_queued_bytes: max_queued_bytes must be between 1024 and "
                  "4000000000"));
}

}  // namespace
}  // namespace livedash::config
