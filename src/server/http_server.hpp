// src/server/http_server.hpp
//
// The HTTP/1.1 server: REST routes, Server-Sent Event streams and in-memory static assets on one
// listening socket, served by a few IO threads. Implementation details (Boost.Beast) stay in the
// .cpp files behind a pimpl.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.hpp"
#include "server/auth.hpp"
#include "server/http_types.hpp"
#include "server/latency_histogram.hpp"
#include "server/sse_resume_point.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::server {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  //!< 0 picks a free port; port() tells which
  int io_threads = 2;
  //! Origins allowed by CORS. "*" allows any origin.
  std::vector<std::string> cors_origins = {"*"};
  size_t max_body_bytes = 4 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int idle_timeout_seconds = 60;
  //! Connections one client address may hold open at once (HTTP, SSE and WebSocket alike); past
  //! it a new connection gets 429 and is closed. 0: no cap.
  size_t max_connections_per_ip = 0;
  //! Bearer tokens (see auth.hpp); none turns auth off.
  std::vector<AccessToken> tokens;
};

struct SseStreamOptions {
  std::string path = "/events";
  int heartbeat_interval_ms = 30000;
  int retry_ms = 2000;  //!< the `retry:` hint sent at the start of each stream
  //! Frames kept for `Last-Event-ID` replay, and the most wire bytes they may take (0: only
  //! the frame count bounds the log).
  size_t replay_frames = 4096;
  size_t replay_bytes = 16u << 20;
  //! A subscriber that falls this many frames behind is sent `must-refetch` and closed.
  size_t max_queued_frames = 1024;
  //! How long a lagging subscriber's stalled write may take to drain before its `must-refetch`;
  //! after that the connection is closed without it (the client's reconnect then resumes).
  int overflow_grace_ms = 1000;
  //! The queries this stream carries, so that `?queries=` and query-limited tokens can be
  //! checked at connect time; empty: not known, nothing is checked against it.
  std::vector<std::string> queries;
  //! Tokens accepted on this stream only (an SSE reaction's own `token`), besides the server's.
  std::vector<AccessToken> tokens;
  //! Called on the IO thread as a client connects, before its replay is taken, with where it
  //! resumes; what it returns is held until the client leaves. An edge starts consuming
  //! JetStream here and stops once nobody holds it (docs/scale-out.md). Empty: nothing to do.
  std::function<std::shared_ptr<void>(const SseResumePoint&)> on_subscribe;
};

//! One SSE stream at one path. Frames published to it reach every connected client in order.
//! Frame bytes must be a complete SSE event (`id: N\ndata: …\n\n`) with sequence N = previous + 1.
class SseStream : public core::FrameSink {
 public:
  //! Thread-safe and non-blocking.
  void publish(core::FrameConstSharedPtr frame) override = 0;
  virtual size_t clientCount() const = 0;
  //! Subscribers dropped so far for falling too far behind.
  virtual uint64_t droppedClients() const = 0;
  //! Commit time of each diff to the end of its first socket write, per IO thread.
  virtual LatencyHistogram::Snapshot writeLatency() const = 0;
  //! Forgets the replay log, for a feed that starts again after a gap (an edge's feed that
  //! stopped while the stream had no clients). Clients resuming from before get `must-refetch`.
  virtual void resetReplay() = 0;
};
using SseStreamSharedPtr = std::shared_ptr<SseStream>;

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  //! Registers a handler. `pattern` is a path whose `{name}` segments match one segment each,
  //! such as `/api/v1/queries/{id}/results`. Register everything before start(). `access` says
  //! which token it needs when auth is on (Query: one allowed to see the `{id}` query).
  void addRoute(std::string method, std::string pattern, RouteHandler handler,
                RouteAccess access = RouteAccess::Read);
  //! Serves fixed bytes at `path` (GET and HEAD). `bytes` must outlive the server.
  void addAsset(std::string path, std::string content_type, std::string_view bytes);
  SseStreamSharedPtr addSseStream(SseStreamOptions options);
  //! The WebSocket endpoint at options.path (one per server); `backend` answers its subscribes
  //! and must outlive the server.
  WsEndpointSharedPtr addWebSocket(WsOptions options, WsBackend& backend);

  //! Binds and starts the IO threads. Throws core::Error when the address cannot be bound.
  void start();
  //! Closes the listener and every connection, and joins the IO threads. Idempotent.
  void stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedash::server
