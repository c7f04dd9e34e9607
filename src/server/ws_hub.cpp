// src/server/ws_hub.cpp
#include "server/ws_hub.hpp"

#include <algorithm>
#include <chrono>

#include "server/ws_session.hpp"

namespace livedash::server {

WsHub::WsHub(net::io_context& ioc, const WsHubConfig& config, size_t thread)
    : ioc_(ioc), config_(config), thread_(thread) {}

WsHub::~WsHub() = default;

uint64_t WsHub::add(WsSession* session) {
  const uint64_t id = next_id_++;
  sessions_.emplace(id, session);
  config_.client_count->fetch_add(1, std::memory_order_relaxed);
  return id;
}

void WsHub::remove(uint64_t id) {
  if (sessions_.erase(id) > 0) {
    config_.client_count->fetch_sub(1, std::memory_order_relaxed);
  }
}

WsSession* WsHub::find(uint64_t id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void WsHub::join(const std::string& channel, WsSession* session) {
  channels_[channel].push_back(session);
}

void WsHub::leave(const std::string& channel, WsSession* session) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) {
    return;
  }
  // A linear search: leaving is rare next to delivering, and a plain vector keeps delivery a
  // tight loop. Swap-and-pop keeps a backwards delivery loop correct (see deliver).
  std::vector<WsSession*>& list = it->second;
  auto at = std::find(list.begin(), list.end(), session);
  if (at != list.end()) {
    *at = list.back();
    list.pop_back();
  }
}

void WsHub::deliver(const core::FrameConstSharedPtr& frame) {
  auto it = channels_.find(frame->channel);
  if (it == channels_.end()) {
    return;
  }
  // Backwards, so that a session leaving during the loop (it swaps the last one, already served,
  // into its slot) never makes us skip one.
  std::vector<WsSession*>& list = it->second;
  for (size_t i = list.size(); i-- > 0;) {
    if (i < list.size()) {
      list[i]->deliver(frame);
    }
  }
}

void WsHub::accept(uint64_t session, const std::string& channel,
                   std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence,
                   WsLease lease) {
  if (WsSession* s = find(session)) {
    s->accepted(channel, std::move(preamble), last_sequence, std::move(lease));
  }
}

void WsHub::reject(uint64_t session, const std::string& channel, core::FrameConstSharedPtr error) {
  if (WsSession* s = find(session)) {
    s->rejected(channel, std::move(error));
  }
}

void WsHub::startSweep() {
  if (config_.options.idle_timeout_seconds <= 0) {
    return;
  }
  sweep_timer_ = std::make_unique<net::steady_timer>(ioc_);
  armSweep();
}

void WsHub::stopSweep() {
  sweep_timer_.reset();
}

void WsHub::armSweep() {
  const auto interval = std::chrono::milliseconds(config_.options.idle_timeout_seconds * 1000) /
                        kSweepsPerIdleTimeout;
  sweep_timer_->expires_after(interval);
  sweep_timer_->async_wait([this](const error_code& ec) {
    if (!ec) {
      onSweep();
    }
  });
}

void WsHub::onSweep() {
  ++sweeps_;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    WsSession* session = it->second;
    ++it;  // sweep() may remove this session; erasing leaves the other iterators valid
    session->sweep(sweeps_);
  }
  if (sweep_timer_) {
    armSweep();
  }
}

}  // namespace livedash::server
