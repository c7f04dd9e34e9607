// src/server/ws_hub.hpp
//
// The WebSocket connections of one IO thread, and which channels each is subscribed to. The
// endpoint posts each published frame once to every hub, and the hub hands it to that channel's
// sessions: no lock and no allocation per session on that path. Apart from construction and
// teardown (while the IO thread is not running), a hub is only touched on its own IO thread.
//
// Invariants:
//  - a session is in channels_[c] exactly while its subscription to c is accepted and open;
//  - sessions_ holds every session between its handshake and its end, by id;
//  - channel lists are never erased, so a delivery loop's list stays valid while sessions leave.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/frame.hpp"
#include "server/net.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::server {

class WsSession;

//! What the hubs of one endpoint share, owned by the endpoint.
struct WsHubConfig {
  WsOptions options;
  WsBackend* backend = nullptr;
  std::atomic<size_t>* client_count = nullptr;
  std::atomic<uint64_t>* dropped_clients = nullptr;
};

class WsHub {
 public:
  //! Liveness sweeps per idle timeout: one timer per IO thread instead of one per connection.
  //! A connection is pinged after half the timeout of silence and cut off after all of it, each
  //! up to one sweep late.
  static constexpr uint32_t kSweepsPerIdleTimeout = 20;

  WsHub(net::io_context& ioc, const WsHubConfig& config, size_t thread);
  ~WsHub();
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  net::io_context& context() { return ioc_; }
  const WsHubConfig& config() const { return config_; }
  size_t thread() const { return thread_; }

  //! Registers a connection once its handshake is done; returns its id on this thread.
  uint64_t add(WsSession* session);
  //! No-op for an id that is not registered.
  void remove(uint64_t id);
  void join(const std::string& channel, WsSession* session);
  //! No-op for a session that is not in the channel.
  void leave(const std::string& channel, WsSession* session);

  void deliver(const core::FrameConstSharedPtr& frame);
  //! Replies to a subscribe; dropped (and the lease with it) when the session has gone.
  void accept(uint64_t session, const std::string& channel,
              std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence,
              WsLease lease);
  void reject(uint64_t session, const std::string& channel, core::FrameConstSharedPtr error);

  //! On this hub's thread, after frames were written to a client.
  void countSent(size_t frames, size_t bytes) {
    frames_sent_.fetch_add(frames, std::memory_order_relaxed);
    bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
  }
  //! Any thread.
  uint64_t framesSent() const { return frames_sent_.load(std::memory_order_relaxed); }
  uint64_t bytesSent() const { return bytes_sent_.load(std::memory_order_relaxed); }
  //! Sweeps done so far: a session notes it when its client sends, so no clock is read per read.
  uint32_t sweepCount() const { return sweeps_; }
  //! Starts the liveness sweep: before the IO thread runs, or on it.
  void startSweep();
  //! Destroys the sweep timer, once the IO thread has stopped.
  void stopSweep();

 private:
  WsSession* find(uint64_t id) const;
  void armSweep();
  void onSweep();

  net::io_context& ioc_;
  const WsHubConfig& config_;
  size_t thread_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, WsSession*> sessions_;
  std::unordered_map<std::string, std::vector<WsSession*>> channels_;
  // Written by this hub's thread only, so the counting costs no contention between IO threads.
  std::atomic<uint64_t> frames_sent_{0};
  std::atomic<uint64_t> bytes_sent_{0};
  std::unique_ptr<net::steady_timer> sweep_timer_;
  uint32_t sweeps_ = 0;
};

}  // namespace livedash::server
