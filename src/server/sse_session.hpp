// src/server/sse_session.hpp
//
// One SSE subscriber: a socket, a bounded queue of shared frames and a few flags. Frames queued
// while a write is in flight go out together in the next gather write. A subscriber whose queue
// passes max_queued_frames gets `must-refetch` and is closed. Runs on its hub's IO thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/frame.hpp"
#include "server/connection_limiter.hpp"
#include "server/net.hpp"
#include "server/sse_query_filter.hpp"

namespace livedash::server {

class SseHub;

class SseSession : public std::enable_shared_from_this<SseSession> {
 public:
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);

  //! `queries`: the stream's queries this subscriber receives (null: all). `slot` counts the
  //! connection against its address's cap until the session ends; so is `hold` kept (the
  //! stream's on_subscribe answer).
  SseSession(tcp::socket socket, SseHub& hub, QueryFilterConstSharedPtr queries = nullptr,
             ConnectionSlot slot = {}, std::shared_ptr<void> hold = {});
  ~SseSession();
  SseSession(const SseSession&) = delete;
  SseSession& operator=(const SseSession&) = delete;

  //! Joins the hub and writes `preamble` (response head, retry, replay or must-refetch). Live
  //! frames follow from sequence `last_sequence` + 1.
  void start(std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence);
  //! A live frame. Frames at or below the last one sent are skipped, so a frame that was both
  //! replayed and posted goes out once; so are frames of queries this subscriber does not get.
  void deliver(const core::FrameConstSharedPtr& frame);
  //! Sent only when the session has nothing else to write.
  void heartbeat(const core::FrameConstSharedPtr& frame);
  //! Leaves the hub and closes the socket. Idempotent.
  void close();

 private:
  friend class SseHub;

  void startWrite();
  void onWrite(const error_code& ec);
  void waitReadable();
  void onReadable(const error_code& ec);
  void overflow();
  void fail(const error_code& ec);

  tcp::socket socket_;
  SseHub& hub_;
  QueryFilterConstSharedPtr queries_;
  ConnectionSlot slot_;
  std::shared_ptr<void> hold_;
  std::vector<core::FrameConstSharedPtr> pending_;  //!< queued while a write is in flight
  std::vector<core::FrameConstSharedPtr> writing_;  //!< the write in flight
  std::vector<net::const_buffer> buffers_;
  std::unique_ptr<net::steady_timer> grace_timer_;  //!< only once the session overflowed
  uint64_t last_sequence_ = 0;
  bool write_in_flight_ = false;
  bool closing_ = false;  //!< must-refetch queued: close once it is written
  bool closed_ = false;
  size_t hub_slot_ = kNoSlot;  //!< position in the hub's list, maintained by the hub
};

}  // namespace livedash::server
