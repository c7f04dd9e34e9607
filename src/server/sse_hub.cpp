// src/server/sse_hub.cpp
#include "server/sse_hub.hpp"

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "server/sse_session.hpp"

namespace livedash::server {

SseHub::SseHub(net::io_context& ioc, const SseHubConfig& config) : ioc_(ioc), config_(config) {}

SseHub::~SseHub() = default;

void SseHub::add(SseSession* session) {
  session->hub_slot_ = sessions_.size();
  sessions_.push_back(session);
  config_.client_count->fetch_add(1, std::memory_order_relaxed);
}

void SseHub::remove(SseSession* session) {
  const size_t slot = session->hub_slot_;
  if (slot == SseSession::kNoSlot || slot >= sessions_.size() || sessions_[slot] != session) {
    return;
  }
  sessions_[slot] = sessions_.back();
  sessions_[slot]->hub_slot_ = slot;
  sessions_.pop_back();
  session->hub_slot_ = SseSession::kNoSlot;
  config_.client_count->fetch_sub(1, std::memory_order_relaxed);
}

void SseHub::deliver(const core::FrameConstSharedPtr& frame) {
  // Backwards, so that a session leaving during the loop (it swaps the last one into its slot)
  // never makes us skip one.
  for (size_t i = sessions_.size(); i-- > 0;) {
    if (i < sessions_.size()) {
      sessions_[i]->deliver(frame);
    }
  }
}

void SseHub::frameWritten(const core::Frame& frame) {
  if (frame.sequence <= last_timed_sequence_ || frame.commit_time_ms <= 0 ||
      !config_.write_latency) {
    return;
  }
  last_timed_sequence_ = frame.sequence;
  config_.write_latency->observe(core::SystemClock().nowMs() - frame.commit_time_ms);
}

void SseHub::startHeartbeat() {
  if (config_.heartbeat_interval_ms <= 0) {
    return;
  }
  heartbeat_ = std::make_unique<net::steady_timer>(ioc_);
  armHeartbeat();
}

void SseHub::stopHeartbeat() {
  heartbeat_.reset();
}

void SseHub::armHeartbeat() {
  heartbeat_->expires_after(std::chrono::milliseconds(config_.heartbeat_interval_ms));
  heartbeat_->async_wait([this](const error_code& ec) {
    if (!ec) {
      onHeartbeat();
    }
  });
}

void SseHub::onHeartbeat() {
  if (!sessions_.empty()) {
    auto frame = std::make_shared<core::Frame>();
    frame->channel = config_.channel;
    frame->bytes = ": heartbeat " + std::to_string(core::SystemClock().nowMs()) + "\n\n";
    core::FrameConstSharedPtr shared = std::move(frame);
    for (size_t i = sessions_.size(); i-- > 0;) {
      if (i < sessions_.size()) {
        sessions_[i]->heartbeat(shared);
      }
    }
  }
  if (heartbeat_) {
    armHeartbeat();
  }
}

}  // namespace livedash::server
