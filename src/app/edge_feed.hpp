// src/app/edge_feed.hpp
//
// On an edge, one SSE stream fed from JetStream, lazily: the stream's queries are consumed only
// while the stream has clients. The first client starts a consumer per query and, on its own IO
// thread, reads each subject from a start point (edge_start_point.hpp) to its current end into
// the stream's replay log before its own replay is taken, so that it resumes as on a single
// process. Then a thread per query follows the subject. `idle_ms` after the last client left,
// the threads stop and their consumers go.
//
// The ids are the same on every edge, so a client that moves to another edge resumes with
// `Last-Event-ID` with no gap and no duplicate: for one query the id is the query's own sequence
// (assigned by the engine); for several it is every query's position after the event in the
// `since` form (`id: stats:41,totals:7`), which the stream parses back as a `since` list. After
// an engine restart a query's sequence jumps: connected clients get `must-refetch`, and the
// replay log is dropped, so a client holding an id from before gets it too.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "reactions/jetstream/nats_client.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

struct EdgeFeedOptions {
  std::string stream;  //!< the JetStream stream
  std::vector<std::string> queries;
  std::string channel;  //!< the SSE stream's path
  int64_t idle_ms = 5000;
  size_t replay_frames = 4096;  //!< of the SSE stream: how far back a resume is worth reading
};

class EdgeFeed : public std::enable_shared_from_this<EdgeFeed> {
 public:
  //! `client` must outlive the feed; setSink() before the first subscribe().
  EdgeFeed(reactions::NatsClient& client, EdgeFeedOptions options);
  ~EdgeFeed();
  EdgeFeed(const EdgeFeed&) = delete;
  EdgeFeed& operator=(const EdgeFeed&) = delete;

  //! `sink` must outlive the feed.
  void setSink(server::SseStream& sink) { sink_ = &sink; }
  //! The stream's on_subscribe: on an IO thread, as a client connects. Starts consuming when
  //! nothing does (blocking for the catch-up: a few JetStream round trips); the client's hold
  //! on the feed is released when it leaves.
  std::shared_ptr<void> subscribe(const server::SseResumePoint& resume);
  //! Whether a JetStream consumer of `query` is open now (tests).
  bool consuming(const std::string& query) const;

 private:
  struct Cursor {
    std::string query;
    std::string subject;
    uint64_t next = 0;           //!< stream sequence to read next; 0: the snapshot's
    uint64_t last_sequence = 0;  //!< the query sequence last published
    reactions::NatsSubscriptionPtr sub;
    std::thread thread;
  };

  void release();
  //! With life_mutex_ held and no thread running: reads every subject to its end, then starts
  //! the threads.
  void start(const server::SseResumePoint& resume);
  void catchUp(const server::SseResumePoint& resume);
  void run(Cursor& cursor);
  void open(Cursor& cursor);
  void close(Cursor& cursor);
  //! Stops every thread once the feed has had no client for idle_ms; never blocks.
  void stopWhenIdle();
  void joinAll();
  void publish(size_t index, const reactions::StoredMessage& msg);
  void publishRestart();

  reactions::NatsClient& client_;
  const EdgeFeedOptions options_;
  server::SseStream* sink_ = nullptr;
  std::atomic<bool> stopping_{false};
  //! Per query: whether its consumer is open.
  std::vector<std::atomic<bool>> open_;

  std::mutex life_mutex_;
  size_t clients_ = 0;                                //!< guarded by life_mutex_
  bool running_ = false;                              //!< guarded by life_mutex_
  std::chrono::steady_clock::time_point idle_since_;  //!< guarded by life_mutex_
  //! Each query's cursor; a cursor belongs to its thread while the feed runs.
  std::vector<Cursor> cursors_;

  std::mutex publish_mutex_;
  std::vector<uint64_t> positions_;  //!< per query, guarded by publish_mutex_
  uint64_t frames_ = 0;              //!< the stream's own frame counter, guarded likewise
};

}  // namespace livedash::app
