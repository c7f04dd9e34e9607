// src/reactions/jetstream/jetstream_publisher.hpp
//
// The engine node's side of scale-out: a reaction that puts every diff of its queries into the
// JetStream stream and, when asked, each query's snapshot into the bucket (cluster_names.hpp).
//
// One publisher thread does all network work, in the order the engine produced it, so a
// snapshot never lands ahead of a diff it includes. A publish that fails (no JetStream quorum,
// a lost connection) is retried with the same message id until it succeeds: JetStream stores it
// once, and nothing behind it overtakes it. While it retries, the queue grows; queueDepth() shows
// it in the metrics.
//
// Invariants:
// - per query, messages reach the stream in sequence order, each at most once;
// - a snapshot's stream_sequence is the stream sequence of the last diff of its query published
//   before it, so snapshot + diffs after stream_sequence is the whole history.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/query_diff.hpp"
#include "reactions/jetstream/nats_client.hpp"
#include "reactions/reaction.hpp"

namespace livedash::reactions {

class JetStreamPublisher final : public Reaction {
 public:
  //! `client` must outlive the publisher.
  JetStreamPublisher(NatsClient& client, std::string stream, std::vector<std::string> queries);
  ~JetStreamPublisher() override;

  const std::string& id() const override { return id_; }
  const std::vector<std::string>& queries() const override { return queries_; }
  //! On the engine thread: queues the diff; never blocks on the network.
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;
  //! On the engine thread, after the diffs it reflects: queues the query's snapshot.
  void onSnapshot(const std::string& query, const engine::QuerySnapshot& snapshot);

  void start();
  //! Publishes what is queued (giving up after `drain_ms` if JetStream does not answer).
  void stop(int64_t drain_ms = 5000);

  //! Items waiting for JetStream, and publishes retried so far (metrics and tests).
  size_t queueDepth() const { return depth_.load(); }
  uint64_t retries() const { return retries_.load(); }
  //! Waits until the queue is empty; false after `timeout_ms` (tests).
  bool waitIdleForTest(int64_t timeout_ms);

 private:
  struct Item {
    std::string query;
    uint64_t sequence = 0;
    bool snapshot = false;
    std::string body;  //!< diff JSON, or the snapshot's `data` rows
  };
  void run();
  void publishWithRetry(const Item& item);

  NatsClient& client_;
  std::string stream_;
  std::string bucket_;
  std::string id_ = "jetstream";
  std::vector<std::string> queries_;
  //! Publisher thread only: the stream sequence of each query's last published diff.
  std::map<std::string, uint64_t> last_stream_sequence_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> items_;
  bool busy_ = false;
  bool stopping_ = false;
  int64_t drain_deadline_ms_ = 0;
  std::thread thread_;
  std::atomic<size_t> depth_{0};
  std::atomic<uint64_t> retries_{0};
};

}  // namespace livedash::reactions
