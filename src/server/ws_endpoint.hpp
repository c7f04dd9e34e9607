// src/server/ws_endpoint.hpp
//
// The WebSocket endpoint's public face (protocol: docs/websocket.md). The server owns sockets,
// client messages and delivery; whoever knows the queries (the app) implements WsBackend and
// answers each subscribe through WsEndpoint. Neither side sees the other's types: they meet
// through frames, channel names and leases.
//
// Ordering contract: accept() and publish() for one channel must be called from one thread (the
// engine thread). Both post to the subscriber's IO thread in call order, so a subscriber sees its
// preamble (snapshot or replay), then exactly the frames published after it: no gap, no
// duplicate, with no lock shared with the IO threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.hpp"

namespace livedash::server {

enum class WsPeriod : uint8_t { Live, Minute, Hour, Day };

std::string_view wsPeriodName(WsPeriod period);
std::optional<WsPeriod> parseWsPeriod(std::string_view name);
//! Length of a period in ms (0 for Live).
int64_t wsPeriodMs(WsPeriod period);
//! The start of the UTC-aligned `period` that `now_ms` falls in (a period's `value` stamp).
int64_t wsPeriodStart(WsPeriod period, int64_t now_ms);
//! The channel a (query, period) subscription receives frames on, such as `live:orders`.
//! Frames published to it carry this name in Frame::channel.
std::string wsChannel(std::string_view query, WsPeriod period);

//! Which connection asked: its IO thread and its id there. A reply for a connection that has
//! gone since is dropped.
struct WsSubscriber {
  size_t thread = 0;
  uint64_t session = 0;
};

struct WsSubscribeRequest {
  WsSubscriber subscriber;
  std::string query;
  WsPeriod period = WsPeriod::Live;
  //! The last sequence the client holds, when it resumes.
  std::optional<uint64_t> since;
};

//! Held by the server for as long as an accepted subscription lasts; dropping it (unsubscribe,
//! disconnect, slow-client drop, or a reply that found the connection gone) tells the backend,
//! on whatever thread that happens. The backend counts its watchers with it.
using WsLease = std::shared_ptr<void>;

//! Implemented by the app. Called on an IO thread; must not block.
class WsBackend {
 public:
  virtual ~WsBackend() = default;
  //! Answer later with WsEndpoint::accept or reject, from the thread that publishes the channel.
  virtual void subscribe(WsSubscribeRequest request) = 0;
};

struct WsOptions {
  std::string path = "/ws";
  //! A client message larger than this closes the connection with 1009.
  size_t max_message_bytes = 64 * 1024;
  //! Subscriptions one connection may hold.
  size_t max_subscriptions = 256;
  //! A subscriber with more frames than this waiting is closed with 1013 and `must-refetch`.
  size_t max_queued_frames = 1024;
  //! How long a lagging subscriber's stalled write may take before the socket is closed without
  //! the close frame.
  int overflow_grace_ms = 1000;
  //! Silence after which the server pings, and closes if the ping goes unanswered as long.
  int idle_timeout_seconds = 60;
};

//! Implemented by the server. Thread-safe and non-blocking.
class WsEndpoint : public core::FrameSink {
 public:
  //! Delivers to every subscriber of frame->channel. Frames with a sequence must come in
  //! increasing order per channel.
  void publish(core::FrameConstSharedPtr frame) override = 0;
  //! The subscription to `channel` is live: the subscriber gets `preamble`, then published
  //! frames whose sequence is above `last_sequence` (or 0: outside the sequence).
  virtual void accept(WsSubscriber subscriber, std::string channel,
                      std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence,
                      WsLease lease) = 0;
  //! The subscription to `channel` failed; `error` is the `{"op":"error"}` message.
  virtual void reject(WsSubscriber subscriber, std::string channel,
                      core::FrameConstSharedPtr error) = 0;
  virtual size_t clientCount() const = 0;
  //! Subscribers closed so far for falling too far behind.
  virtual uint64_t droppedClients() const = 0;
  //! Frames written to clients so far, and their bytes (WebSocket framing not counted).
  virtual uint64_t framesSent() const = 0;
  virtual uint64_t bytesSent() const = 0;
};
using WsEndpointSharedPtr = std::shared_ptr<WsEndpoint>;

}  // namespace livedash::server
