// src/config/cluster_config.hpp
//
// The top-level `cluster:` section: where the JetStream cluster is, and which engine node runs
// which query. Only `livedash run --role engine|edge` reads it; `--role all` (the default) ignores
// it, so a config that has it still runs as one process. See docs/scale-out.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_location.hpp"

namespace livedash::config {

//! One engine node and the queries pinned to it (`cluster.engines.<name>`).
struct EngineNodeConfig {
  std::string name;
  std::vector<std::string> queries;
  ConfigLocation location;
};

struct ClusterConfig {
  //! Whether the file has a `cluster:` section at all.
  bool present = false;
  //! NATS server URLs (`nats://host:port`); the client fails over between them.
  std::vector<std::string> servers;
  //! The JetStream stream of diffs. Its subjects are `<stream>.diff.<query>` and its snapshot
  //! bucket is `<stream>_snapshots` (docs/scale-out.md).
  std::string stream = "LIVEDASH";
  //! JetStream replicas of the stream and the bucket: 1, 3 or 5 in practice (1 to 5 accepted).
  uint32_t replicas = 1;
  //! How often an engine node writes each query's snapshot to the bucket (it also writes one
  //! when the query starts).
  uint32_t snapshot_interval_ms = 5000;
  //! Engine nodes: how many diffs, and bytes of them, may wait while JetStream takes no
  //! writes. Past either, the query whose diff overflowed is dropped and republished from a
  //! snapshot once JetStream is back (docs/scale-out.md).
  uint32_t max_queued_diffs = 100'000;
  uint32_t max_queued_bytes = uint32_t{64} << 20;
  //! An edge reports itself stale in /health when no diff or heartbeat came for this long.
  uint32_t stale_after_ms = 15000;
  //! An edge stops consuming a query this long after the last client of it left, so that a
  //! client reloading the page or moving between edges finds the consumer still there.
  uint32_t edge_idle_ms = 5000;
  //! Engine nodes in file order. Empty: one node called `engine` runs every query. Otherwise a
  //! query runs on the node that lists it, and unlisted queries run on the first node.
  std::vector<EngineNodeConfig> engines;
  ConfigLocation location;
};

//! The engine node every query without a pin runs on.
inline constexpr const char* kDefaultEngineNode = "engine";

//! The engine node that runs `query_id` under `cluster`.
std::string engineNodeOf(const ClusterConfig& cluster, const std::string& query_id);

}  // namespace livedash::config
