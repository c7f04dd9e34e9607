// src/app/edge_node.hpp
//
// `--role edge`: answers a query's REST results and /health from JetStream alone, with no
// sources or queries of its own (docs/scale-out.md), and owns the lazy feeds of its SSE streams
// (edge_feed.hpp) and of its WebSocket endpoint (edge_ws_feed.hpp). A REST request loads the
// query's snapshot from the bucket and reads the query's subject on from the snapshot's stream
// position to its end, so an edge consumes a query only while someone asks for it, and any edge
// gives the same answer with the same sequence.
//
// Threads: results() and silentMs() run on IO threads (they block for JetStream round trips,
// bounded by the request timeout), results() also on the WebSocket query and period threads; the
// NATS client is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/edge_feed.hpp"
#include "app/edge_results.hpp"
#include "app/edge_ws_feed.hpp"
#include "config/server_config.hpp"
#include "core/clock.hpp"
#include "reactions/jetstream/nats_client.hpp"

namespace livedash::app {

class EdgeNode {
 public:
  //! Throws core::Error when JetStream cannot be reached within 30 s.
  EdgeNode(const config::ServerConfig& config, const core::Clock& clock);

  //! Any query an engine has published a snapshot of, in the config or not (created at run time).
  //! Throws core::Error: QueryStopped when no engine has published a query of the config yet,
  //! QueryNotFound for any other query with no snapshot, Internal when JetStream fails.
  EdgeQueryResults results(const std::string& query);
  //! How long ago an engine last wrote any snapshot (they rewrite each one every
  //! `snapshot_interval_ms`); nullopt when none ever did.
  std::optional<int64_t> silentMs();
  uint32_t staleAfterMs() const { return cluster_.stale_after_ms; }
  //! A lazy feed of an SSE stream at `channel` carrying `queries` (edge_feed.hpp), until the
  //! node is destroyed; the caller gives it its stream.
  std::shared_ptr<EdgeFeed> addSseFeed(std::vector<std::string> queries, std::string channel,
                                       size_t replay_frames);
  //! JetStream consumers of `query` that the node's feeds hold open now (tests).
  size_t consumersOf(const std::string& query) const;
  //! The backend of the edge's `/ws`.
  EdgeWsFeed& wsBackend() { return *ws_; }

 private:
  const config::ClusterConfig& cluster_;
  const core::Clock& clock_;
  std::vector<std::string> queries_;
  reactions::NatsClientPtr client_;
  //! Declared after the client: they stop before it goes.
  std::vector<std::shared_ptr<EdgeFeed>> feeds_;
  std::unique_ptr<EdgeWsFeed> ws_;
};

}  // namespace livedash::app
