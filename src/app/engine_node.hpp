// src/app/engine_node.hpp
//
// `--role engine`: connects to the JetStream cluster, makes sure the stream and the snapshot
// bucket exist, finds where each of its queries' sequences stand in JetStream (so a restarted
// engine continues them), and then publishes every diff of its queries and their snapshots: one
// when the query starts and one per `cluster.snapshot_interval_ms`.
//
// Threads: the constructor and lastSequences() run at startup; the publisher has its own thread;
// a timer thread posts snapshot requests to the engine thread, which queues the snapshots behind
// the diffs they reflect.
#pragma once

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
  //! The queries this node runs (the others are left stopped here).
  const std::vector<std::string>& queries() const { return queries_; }
  //! Each query's last sequence known to JetStream (its last diff or snapshot); a query's own
  //! numbering must start past it.
  const std::map<std::string, uint64_t>& lastSequences() const { return last_sequences_; }

  //! Registers the publisher with the engine thread; call before the queries start.
  void attach();
  //! Queues every query's snapshot now and starts the periodic ones. After the queries start.
  void start();
  //! Stops the timer and drains the publisher. After the engine thread stopped.
  void stop();

  reactions::JetStreamPublisher& publisherForTest() { return *publisher_; }

 private:
  //! Connects, creates the stream and bucket, reads the last sequences. Throws core::Error.
  void setUp();
  void requestSnapshots();
  void runTimer();

  const config::ClusterConfig& cluster_;
  std::string node_;
  EngineThread& engine_;
  std::vector<std::string> queries_;
  std::map<std::string, uint64_t> last_sequences_;
  reactions::NatsClientPtr client_;
  std::unique_ptr<reactions::JetStreamPublisher> publisher_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace livedash::app
