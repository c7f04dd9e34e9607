// src/app/edge_ws_query.hpp
//
// On an edge, the live WebSocket subscriptions of one query, fed from JetStream as lazily as the
// SSE streams are (edge_feed.hpp). One thread per query answers its subscribes and publishes its
// diffs, which is the ordering contract of server/ws_endpoint.hpp. While nobody watches, the thread
// only waits for a subscribe and the query has no consumer. The first subscribe starts one from a
// start point (edge_start_point.hpp) and reads the subject to its end into a replay log of
// diffs; `idle_ms` after the last watcher left, the consumer goes and the log with it.
//
// A subscribe with `since` (a query sequence, the same on every edge) gets `resumed` and the
// diffs after it when the log has them, else a snapshot, read as REST reads one, joined to the
// diffs this thread has published: no gap, no duplicate.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/edge_results.hpp"
#include "reactions/jetstream/nats_client.hpp"
#include "server/sse_replay_ring.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

//! A query's rows and sequence as REST answers them on an edge (EdgeNode::results).
using EdgeSnapshotReader = std::function<EdgeQueryResults(const std::string& query)>;

struct EdgeWsQueryOptions {
  std::string stream;  //!< the JetStream stream
  std::string query;
  int64_t idle_ms = 5000;
  size_t replay_frames = 256;
};

class EdgeWsQuery {
 public:
  //! `client`, `endpoint` and `snapshots` must outlive the feed.
  EdgeWsQuery(reactions::NatsClient& client, EdgeWsQueryOptions options,
              server::WsEndpoint& endpoint, EdgeSnapshotReader snapshots);
  ~EdgeWsQuery();
  EdgeWsQuery(const EdgeWsQuery&) = delete;
  EdgeWsQuery& operator=(const EdgeWsQuery&) = delete;

  //! Any thread, never blocks: the query's thread answers. `request.period` is Live.
  void subscribe(server::WsSubscribeRequest request);
  //! Whether a JetStream consumer of the query is open now (tests).
  bool consuming() const { return open_.load(); }

 private:
  void run();
  //! Opens the consumer and reads the subject to its end into the log.
  void start(const server::WsSubscribeRequest& first);
  void stop();
  //! Stops once nobody has watched for idle_ms.
  void stopWhenIdle();
  void answer(const server::WsSubscribeRequest& request);
  //! Publishes one message to the watchers and the log.
  void follow(const reactions::StoredMessage& msg);

  reactions::NatsClient& client_;
  const EdgeWsQueryOptions options_;
  const std::string subject_;
  const std::string channel_;
  server::WsEndpoint& endpoint_;
  EdgeSnapshotReader snapshots_;
  std::shared_ptr<std::atomic<size_t>> watchers_;
  std::atomic<bool> open_{false};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<server::WsSubscribeRequest> pending_;  //!< guarded by mutex_
  bool stopping_ = false;                           //!< guarded by mutex_

  // The query's thread only.
  bool active_ = false;  //!< consuming, though sub_ may be between a failure and its reopening
  reactions::NatsSubscriptionPtr sub_;
  uint64_t next_ = 0;  //!< stream sequence to read next
  uint64_t last_sequence_ = 0;
  server::SseReplayRing log_;
  std::chrono::steady_clock::time_point idle_since_;
  bool idle_ = false;
  std::thread thread_;
};

}  // namespace livedash::app
