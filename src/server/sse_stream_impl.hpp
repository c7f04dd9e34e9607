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

#include "server/cors.hpp"
#include "server/http_server.hpp"
#include "server/net.hpp"
#include "server/sse_hub.hpp"
#include "server/sse_replay_ring.hpp"

namespace livedash::server {

class SseStreamImpl final : public SseStream {
 public:
  explicit SseStreamImpl(SseStreamOptions options);
  ~SseStreamImpl() override;

  void publish(core::FrameConstSharedPtr frame) override;
  size_t clientCount() const override;
  const SseStreamOptions& options() const { return options_; }

  //! Creates one hub per IO context and starts their heartbeats, before the IO threads run.
  void attach(const std::vector<net::io_context*>& contexts);
  //! Stops posting to the IO threads and drops the heartbeat timers, once the threads stopped.
  void detach();
  //! Drops the hubs, once the IO contexts (and with them every session) are destroyed.
  void releaseHubs();

  //! On IO thread `thread`: the connection becomes a subscriber. `headers` are extra response
  //! headers (CORS); `last_event_id` is the client's resume point, if it sent one.
  void connect(size_t thread, tcp::socket socket, const HeaderList& headers,
               const std::optional<std::string>& last_event_id);

 private:
  core::FrameConstSharedPtr responseHead(const HeaderList& headers) const;

  SseStreamOptions options_;
  SseHubConfig hub_config_;
  core::FrameConstSharedPtr too_old_frame_;
  core::FrameConstSharedPtr ahead_frame_;
  core::FrameConstSharedPtr bad_id_frame_;
  std::atomic<size_t> clients_{0};

  std::mutex mutex_;
  SseReplayRing ring_;     //!< guarded by mutex_
  bool attached_ = false;  //!< guarded by mutex_
  //! Fixed between attach() and releaseHubs(), so IO threads index it without the mutex.
  std::vector<std::unique_ptr<SseHub>> hubs_;
};

}  // namespace livedash::server
