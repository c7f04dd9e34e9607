// src/server/sse_hub.hpp
//
// One SSE stream's subscribers on one IO thread. The stream posts each frame once to every hub,
// and the hub hands it to its sessions: no lock and no allocation per session on that path.
// Apart from construction and teardown (while the IO thread is not running), a hub is only
// touched on its own IO thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "server/latency_histogram.hpp"
#include "server/net.hpp"

namespace livedash::server {

class SseSession;

//! What the sessions of one stream share, owned by the stream.
struct SseHubConfig {
  std::string channel;
  int heartbeat_interval_ms = 30000;
  size_t max_queued_frames = 1024;
  int overflow_grace_ms = 1000;
  //! `must-refetch` for a subscriber that fell too far behind.
  core::FrameConstSharedPtr lagging_frame;
  std::atomic<size_t>* client_count = nullptr;
  //! Counts subscribers dropped for falling too far behind.
  std::atomic<uint64_t>* dropped_count = nullptr;
  //! Commit time to the end of the first socket write that carried the frame, on each IO thread.
  LatencyHistogram* write_latency = nullptr;
};

class SseHub {
 public:
  SseHub(net::io_context& ioc, const SseHubConfig& config);
  ~SseHub();
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  net::io_context& context() { return ioc_; }
  const SseHubConfig& config() const { return config_; }
  size_t sessionCount() const { return sessions_.size(); }

  void add(SseSession* session);
  //! No-op for a session that is not in the hub.
  void remove(SseSession* session);
  void deliver(const core::FrameConstSharedPtr& frame);
  //! A session finished writing `frame` (the newest of its write). Only the first session to do
  //! so for a sequence is timed: one clock read per frame and IO thread, not per subscriber.
  void frameWritten(const core::Frame& frame);

  //! Starts the heartbeat timer: before the IO thread runs, or on it.
  void startHeartbeat();
  //! Destroys the heartbeat timer, once the IO thread has stopped.
  void stopHeartbeat();

 private:
  void armHeartbeat();
  void onHeartbeat();

  net::io_context& ioc_;
  const SseHubConfig& config_;
  std::vector<SseSession*> sessions_;
  std::unique_ptr<net::steady_timer> heartbeat_;
  uint64_t last_timed_sequence_ = 0;
};

}  // namespace livedash::server
