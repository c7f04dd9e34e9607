// src/server/sse_stream_impl.hpp
//
// The server's SseStream: a replay ring guarded by a mutex, and one hub per IO thread.
// publish() appends to the ring and posts the frame once to each hub while holding the mutex, so
// every hub sees frames in sequence order. connect() runs on an IO thread: under the same mutex it
// takes the replay and the latest sequence L, and the new session then skips any posted frame at
// or below L. So replay and live join with no gap and no duplicate.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/auth.hpp"
#include "server/connection_limiter.hpp"
#include "server/cors.hpp"
#include "server/http_server.hpp"
#include "server/net.hpp"
#include "server/sse_hub.hpp"
#include "server/sse_query_filter.hpp"
#include "server/sse_replay_ring.hpp"
#include "server/sse_resume_point.hpp"

namespace livedash::server {

//! What a connecting subscriber brings besides its socket.
struct SseSubscribe {
  HeaderList headers;     //!< extra response headers (CORS)
  SseResumePoint resume;  //!< where the client picks up; nothing: live from now
  QueryFilterConstSharedPtr queries;
  ConnectionSlot slot;         //!< held for as long as the connection is open
  std::shared_ptr<void> hold;  //!< what the stream's on_subscribe returned, held as long too
};

class SseStreamImpl final : public SseStream {
 public:
  //! `server_tokens`: the server's own, accepted here besides the stream's `tokens`.
  SseStreamImpl(SseStreamOptions options, const std::vector<AccessToken>& server_tokens);
  ~SseStreamImpl() override;

  void publish(core::FrameConstSharedPtr frame) override;
  size_t clientCount() const override;
  uint64_t droppedClients() const override;
  LatencyHistogram::Snapshot writeLatency() const override { return write_latency_.snapshot(); }
  void resetReplay() override;
  const SseStreamOptions& options() const { return options_; }
  //! The server's tokens plus the stream's own.
  const Authorizer& authorizer() const { return auth_; }

  //! Creates one hub per IO context and starts their heartbeats, before the IO threads run.
  void attach(const std::vector<net::io_context*>& contexts);
  //! Stops posting to the IO threads and drops the heartbeat timers, once the threads stopped.
  void detach();
  //! Drops the hubs, once the IO contexts (and with them every session) are destroyed.
  void releaseHubs();

  //! On IO thread `thread`: the connection becomes a subscriber.
  void connect(size_t thread, tcp::socket socket, SseSubscribe subscribe);

 private:
  core::FrameConstSharedPtr responseHead(const HeaderList& headers) const;

  SseStreamOptions options_;
  Authorizer auth_;
  SseHubConfig hub_config_;
  core::FrameConstSharedPtr too_old_frame_;
  core::FrameConstSharedPtr ahead_frame_;
  core::FrameConstSharedPtr bad_id_frame_;
  std::atomic<size_t> clients_{0};
  std::atomic<uint64_t> dropped_{0};
  LatencyHistogram write_latency_;

  std::mutex mutex_;
  SseReplayRing ring_;     //!< guarded by mutex_
  bool attached_ = false;  //!< guarded by mutex_
  //! Fixed between attach() and releaseHubs(), so IO threads index it without the mutex.
  std::vector<std::unique_ptr<SseHub>> hubs_;
};

}  // namespace livedash::server
