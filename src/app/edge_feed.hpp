// src/app/edge_feed.hpp
//
// On an edge, one query's SSE stream fed from JetStream: a thread consumes the query's subject
// (from the bucket snapshot's last diff, so the replay log starts with it and the diffs since) and
// publishes each diff as an SSE frame whose `id:` is the query's own sequence. Those ids are
// assigned by the engine, so they are the same on every edge: a client that moves to another edge
// resumes with `Last-Event-ID` with no gap and no duplicate. After an engine restart the ids jump,
// and a client holding an id from before gets `must-refetch`.
//
// Only single-query SSE streams are fed this way for now (docs/scale-out.md).
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "core/frame.hpp"
#include "reactions/jetstream/nats_client.hpp"

namespace livedash::app {

class EdgeFeed {
 public:
  //! `client` and `sink` must outlive the feed.
  EdgeFeed(reactions::NatsClient& client, std::string stream, std::string query,
           std::string channel, core::FrameSink& sink);
  ~EdgeFeed();
  EdgeFeed(const EdgeFeed&) = delete;
  EdgeFeed& operator=(const EdgeFeed&) = delete;

  void start();
  void stop();
  //! The last query sequence published to the stream (tests).
  uint64_t lastSequence() const { return last_sequence_.load(); }

 private:
  void run();
  void publishRestart();
  //! The stream sequence to start consuming at: the bucket snapshot's last diff.
  uint64_t startPosition();

  reactions::NatsClient& client_;
  std::string stream_;
  std::string query_;
  std::string channel_;
  core::FrameSink& sink_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> last_sequence_{0};
  std::thread thread_;
};

}  // namespace livedash::app
