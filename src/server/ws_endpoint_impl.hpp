// src/server/ws_endpoint_impl.hpp
//
// The server's WsEndpoint: one hub per IO thread. publish() posts each frame once to every hub,
// and accept()/reject() post to the subscriber's hub, all under one mutex, so that each hub
// receives them in call order (the ordering contract in ws_endpoint.hpp rests on this).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "server/connection_limiter.hpp"
#include "server/http_types.hpp"
#include "server/net.hpp"
#include "server/ws_endpoint.hpp"
#include "server/ws_hub.hpp"

namespace livedash::server {

class WsEndpointImpl final : public WsEndpoint {
 public:
  WsEndpointImpl(WsOptions options, WsBackend& backend);
  ~WsEndpointImpl() override;

  void publish(core::FrameConstSharedPtr frame) override;
  void accept(WsSubscriber subscriber, std::string channel,
              std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence,
              WsLease lease) override;
  void reject(WsSubscriber subscriber, std::string channel,
              core::FrameConstSharedPtr error) override;
  size_t clientCount() const override;
  uint64_t droppedClients() const override;
  uint64_t framesSent() const override;
  uint64_t bytesSent() const override;

  const WsOptions& options() const { return config_.options; }

  //! Creates one hub per IO context, before the IO threads run.
  void attach(const std::vector<net::io_context*>& contexts);
  //! Stops posting to the IO threads, once they stopped.
  void detach();
  //! Drops the hubs, once the IO contexts (and with them every session) are destroyed.
  void releaseHubs();

  //! Whether `request` is for this endpoint's path (then it must be an upgrade). Fills in
  //! request.path and request.query.
  bool servesPath(HttpRequest& request) const;
  //! On IO thread `thread`: the connection (an upgrade request already read) becomes a
  //! WebSocket session, holding its connection slot until it closes.
  void connect(size_t thread, tcp::socket socket, HttpRequest request, ConnectionSlot slot);

 private:
  template <class Fn>
  void postTo(size_t thread, Fn&& fn);

  WsHubConfig config_;
  std::atomic<size_t> clients_{0};
  std::atomic<uint64_t> dropped_{0};

  mutable std::mutex mutex_;
  bool attached_ = false;  //!< guarded by mutex_
  //! What hubs already released had sent (guarded by mutex_).
  uint64_t released_frames_ = 0;
  uint64_t released_bytes_ = 0;
  //! Fixed between attach() and releaseHubs(), so IO threads index it without the mutex.
  std::vector<std::unique_ptr<WsHub>> hubs_;
};

}  // namespace livedash::server
