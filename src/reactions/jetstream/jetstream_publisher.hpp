// src/reactions/jetstream/jetstream_publisher.hpp
//
// The engine node's side of scale-out: a reaction that puts every diff of its queries into the
// JetStream stream and, when asked, each query's snapshot into the bucket (cluster_names.hpp).
//
// One publisher thread does all network work, in the order the engine produced it, so a
// snapshot never lands ahead of a diff it includes. A publish that fails (no JetStream quorum,
// a lost connection) is retried with the same message id until it succeeds: JetStream stores it
// once, and nothing behind it overtakes it. While it retries, the queue grows, up to
// PublisherLimits. A diff that takes the queue past them drops its query: the query's queued
// diffs and snapshot go, its later diffs are not queued, and once JetStream answers again the
// engine is asked (the resync callback) for the query's snapshot at its current sequence, which
// is published before any later diff. Readers then see the query's numbering jump, as after an
// engine restart, and reload the snapshot: a lost stretch is never a silent gap.
//
// Invariants:
// - per query, messages reach the stream in sequence order, each at most once;
// - a snapshot's stream_sequence is the stream sequence of the last diff of its query published
//   before it, so snapshot + diffs after stream_sequence is the whole history;
// - at most one snapshot per query waits in the queue (a newer one replaces it: the bucket keeps
//   the older value a little longer, which the diffs before it still complete).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/query_diff.hpp"
#include "reactions/jetstream/nats_client.hpp"
#include "reactions/reaction.hpp"

namespace livedash::reactions {

//! How much may wait for JetStream. Diffs only: snapshots are one per query at most.
struct PublisherLimits {
  size_t max_diffs = 100'000;
  size_t max_bytes = size_t{64} << 20;
};

class JetStreamPublisher final : public Reaction {
 public:
  //! Called on the publisher thread once JetStream answers again after `query` was dropped; it
  //! must arrange for resynced() to be called on the engine thread.
  using ResyncRequest = std::function<void(const std::string& query)>;

  //! `client` must outlive the publisher.
  JetStreamPublisher(NatsClient& client, std::string stream, std::vector<std::string> queries,
                     PublisherLimits limits = {});
  ~JetStreamPublisher() override;

  const std::string& id() const override { return id_; }
  //! The queries published; read and changed on the engine thread only (or before start()).
  const std::vector<std::string>& queries() const override { return queries_; }
  void addQuery(const std::string& query);
  void removeQuery(const std::string& query);

  //! On the engine thread: queues the diff; never blocks on the network.
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;
  //! On the engine thread, after the diffs it reflects: queues the query's snapshot (not while
  //! the query is dropped: its resync snapshot comes through resynced()).
  void onSnapshot(const std::string& query, const engine::QuerySnapshot& snapshot);
  //! On the engine thread, after a resync request: queues `snapshot` (null: the query is gone)
  //! and publishes the query's diffs again from the next one on.
  void resynced(const std::string& query, const engine::QuerySnapshot* snapshot);
  //! Before start().
  void setResyncRequest(ResyncRequest request) { resync_request_ = std::move(request); }

  void start();
  //! Publishes what is queued (giving up after `drain_ms` if JetStream does not answer).
  void stop(int64_t drain_ms = 5000);

  //! Items waiting for JetStream, publishes retried so far, and diffs dropped because the
  //! queue was full (metrics and tests).
  size_t queueDepth() const { return depth_.load(); }
  uint64_t retries() const { return retries_.load(); }
  uint64_t droppedDiffs() const { return dropped_diffs_.load(); }
  //! Waits until the queue is empty; false after `timeout_ms` (tests).
  bool waitIdleForTest(int64_t timeout_ms);

 private:
  enum class Kind : uint8_t {
    Diff,
    Snapshot,
    //! The query was dropped: once JetStream answers, ask the engine for its snapshot.
    Resync,
  };
  struct Item {
    std::string query;
    uint64_t sequence = 0;
    Kind kind = Kind::Diff;
    std::string body;  //!< diff JSON, or the snapshot's `data` rows
  };
  void run();
  //! The item's network work; throws core::Error while JetStream does not answer.
  void attempt(const Item& item);
  void publishWithRetry(const Item& item);
  //! With mutex_ held: drops `query` from the queue (see the header comment).
  void dropLocked(const std::string& query);
  //! With mutex_ held: queues a snapshot, replacing a queued one of the same query.
  void queueSnapshotLocked(const std::string& query, uint64_t sequence, std::string rows);
  void queuedLocked();

  NatsClient& client_;
  std::string stream_;
  std::string bucket_;
  std::string id_ = "jetstream";
  std::vector<std::string> queries_;
  PublisherLimits limits_;
  ResyncRequest resync_request_;
  //! Publisher thread only: the stream sequence of each query's last published diff.
  std::map<std::string, uint64_t> last_stream_sequence_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> items_;
  size_t queued_diffs_ = 0;
  size_t queued_bytes_ = 0;
  //! Dropped queries, with the diffs dropped since, until resynced().
  std::map<std::string, uint64_t> dropped_;
  bool busy_ = false;
  bool stopping_ = false;
  int64_t drain_deadline_ms_ = 0;
  std::thread thread_;
  std::atomic<size_t> depth_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> dropped_diffs_{0};
};

}  // namespace livedash::reactions
