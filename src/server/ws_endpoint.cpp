// src/server/ws_endpoint.cpp
#include <boost/asio/post.hpp>

#include "server/request_target.hpp"
#include "server/ws_endpoint_impl.hpp"
#include "server/ws_session.hpp"
#include "server/ws_wire.hpp"

namespace livedash::server {

WsEndpointImpl::WsEndpointImpl(WsOptions options, WsBackend& backend) {
  config_.options = std::move(options);
  config_.backend = &backend;
  config_.client_count = &clients_;
  config_.dropped_clients = &dropped_;
}

WsEndpointImpl::~WsEndpointImpl() = default;

template <class Fn>
void WsEndpointImpl::postTo(size_t thread, Fn&& fn) {
  std::lock_guard lock(mutex_);
  if (attached_ && thread < hubs_.size()) {
    WsHub* hub = hubs_[thread].get();
    net::post(hub->context(), [hub, fn = std::forward<Fn>(fn)]() mutable { fn(*hub); });
  }
}

void WsEndpointImpl::publish(core::FrameConstSharedPtr frame) {
  if (!frame) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (!attached_) {
    return;
  }
  // Framed once here (server frames are unmasked): every subscriber sends the same bytes.
  core::FrameConstSharedPtr framed = wsTextFrame(*frame);
  for (const std::unique_ptr<WsHub>& hub : hubs_) {
    net::post(hub->context(), [hub = hub.get(), framed] { hub->deliver(framed); });
  }
}

void WsEndpointImpl::accept(WsSubscriber subscriber, std::string channel,
                            std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence,
                            WsLease lease) {
  for (core::FrameConstSharedPtr& frame : preamble) {
    frame = wsTextFrame(*frame);
  }
  postTo(subscriber.thread,
         [id = subscriber.session, channel = std::move(channel), preamble = std::move(preamble),
          last_sequence, lease = std::move(lease)](WsHub& hub) mutable {
           hub.accept(id, channel, std::move(preamble), last_sequence, std::move(lease));
         });
}

void WsEndpointImpl::reject(WsSubscriber subscriber, std::string channel,
                            core::FrameConstSharedPtr error) {
  if (error) {
    error = wsTextFrame(*error);
  }
  postTo(subscriber.thread,
         [id = subscriber.session, channel = std::move(channel), error = std::move(error)](
             WsHub& hub) mutable { hub.reject(id, channel, std::move(error)); });
}

size_t WsEndpointImpl::clientCount() const {
  return clients_.load(std::memory_order_relaxed);
}

uint64_t WsEndpointImpl::droppedClients() const {
  return dropped_.load(std::memory_order_relaxed);
}

uint64_t WsEndpointImpl::framesSent() const {
  std::lock_guard lock(mutex_);
  uint64_t total = released_frames_;
  for (const std::unique_ptr<WsHub>& hub : hubs_) {
    total += hub->framesSent();
  }
  return total;
}

uint64_t WsEndpointImpl::bytesSent() const {
  std::lock_guard lock(mutex_);
  uint64_t total = released_bytes_;
  for (const std::unique_ptr<WsHub>& hub : hubs_) {
    total += hub->bytesSent();
  }
  return total;
}

void WsEndpointImpl::attach(const std::vector<net::io_context*>& contexts) {
  std::lock_guard lock(mutex_);
  hubs_.clear();
  for (size_t i = 0; i < contexts.size(); ++i) {
    hubs_.push_back(std::make_unique<WsHub>(*contexts[i], config_, i));
    hubs_.back()->startSweep();
  }
  attached_ = true;
}

void WsEndpointImpl::detach() {
  std::lock_guard lock(mutex_);
  attached_ = false;
  for (const std::unique_ptr<WsHub>& hub : hubs_) {
    hub->stopSweep();
  }
}

void WsEndpointImpl::releaseHubs() {
  std::lock_guard lock(mutex_);
  for (const std::unique_ptr<WsHub>& hub : hubs_) {
    released_frames_ += hub->framesSent();
    released_bytes_ += hub->bytesSent();
  }
  hubs_.clear();
}

bool WsEndpointImpl::servesPath(HttpRequest& request) const {
  return parseRequestTarget(request.target, request.path, request.query) &&
         request.path == config_.options.path;
}

void WsEndpointImpl::connect(size_t thread, tcp::socket socket, HttpRequest request,
                             ConnectionSlot slot) {
  if (thread >= hubs_.size()) {
    return;  // not attached: the server is stopping; dropping the socket closes it
  }
  startWsSession(std::move(socket), std::move(request), std::move(slot), *hubs_[thread]);
}

}  // namespace livedash::server
