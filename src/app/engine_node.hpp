// src/app/engine_node.hpp
//
// `--role engine`: connects to the JetStream cluster, makes sure the stream and the snapshot
// bucket exist, finds where each of its queries' sequences stand in JetStream (so a restarted
// engine continues them), and then publishes every diff of the queries that run here and their
// snapshots: one when the query starts and one per `cluster.snapshot_interval_ms`. A query
// created or started through the operations API is published from its start on, unless the
// config pins it to another engine node.
//
// Threads: the constructor runs at startup; lastSequenceOf() on the control plane (startup, or
// an operations request); queryStarted()/queryStopped() on the engine thread; the publisher has
// its own thread; a timer thread posts snapshot requests to the engine thread, which queues the
// snapshots behind the diffs they reflect.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/engine_thread.hpp"
#include "config/server_config.hpp"
#include "reactions/jetstream/jetstream_publisher.hpp"
#include "reactions/jetstream/nats_client.hpp"

namespace livedash::app {

class EngineNode {
 public:
  //! Throws core::Error when JetStream cannot be reached or set up within 30 s.
  EngineNode(const config::ServerConfig& config, std::string node, EngineThread& engine);
  ~EngineNode();

  const std::string& node() const { return node_; }
  //! The config's queries this node runs at start (the others are left stopped here).
  const std::vector<std::string>& queries() const { return queries_; }
  //! Whether a query that runs here is published: all but those pinned to another node.
  bool publishes(const std::string& query) const;
  //! Before `query` starts here: its last sequence known to JetStream (its last diff or
  //! snapshot; 0 if none, or not published), which its numbering must start past. Throws
  //! core::Error (503) when JetStream does not answer.
  uint64_t lastSequenceOf(const std::string& query);
  //! On the engine thread, just before `query` is added to the engine / after it is removed.
  void queryStarted(const std::string& query);
  void queryStopped(const std::string& query);

  //! Registers the publisher with the engine thread; call before the queries start.
  void attach();
  //! Queues every query's snapshot now and starts the periodic ones. After the queries start.
  void start();
  //! Stops the timer and drains the publisher. After the engine thread stopped.
  void stop();

  const reactions::JetStreamPublisher& publisher() const { return *publisher_; }
  reactions::JetStreamPublisher& publisherForTest() { return *publisher_; }

 private:
  //! Connects, creates the stream and bucket, reads the last sequences. Throws core::Error.
  void setUp();
  //! What JetStream holds for `query`: the larger of its last diff's and its snapshot's sequence.
  uint64_t readLastSequence(const std::string& query);
  //! On the engine thread: queues the query's snapshot (or its resync snapshot).
  void snapshotNow(engine::Engine& engine, const std::string& query, bool resync);
  void requestSnapshots();
  void runTimer();

  const config::ClusterConfig& cluster_;
  std::string node_;
  EngineThread& engine_;
  std::vector<std::string> queries_;
  //! Queries the config pins to other engine nodes.
  std::vector<std::string> pinned_elsewhere_;
  std::mutex sequences_mutex_;
  std::map<std::string, uint64_t> last_sequences_;
  reactions::NatsClientPtr client_;
  std::unique_ptr<reactions::JetStreamPublisher> publisher_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  //! Set by start(): a query started after it gets its first snapshot at once.
  std::atomic<bool> started_{false};
  std::thread timer_;
};

}  // namespace livedash::app
