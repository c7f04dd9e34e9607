// src/server/connection_limiter.cpp
#include "server/connection_limiter.hpp"

namespace livedash::server {

ConnectionSlot::ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter, std::string address)
    : limiter_(std::move(limiter)), address_(std::move(address)) {}

ConnectionSlot::~ConnectionSlot() {
  release();
}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::move(other.limiter_);
    address_ = std::move(other.address_);
  }
  return *this;
}

void ConnectionSlot::release() {
  if (limiter_) {
    limiter_->release(address_);
    limiter_.reset();
  }
}

bool ConnectionLimiter::tryAcquire(const std::string& address, ConnectionSlot& slot) {
  if (max_ == 0) {
    slot = ConnectionSlot();
    return true;
  }
  {
    std::lock_guard lock(mutex_);
    size_t& open = open_[address];
    if (open >= max_) {
      return false;
    }
    ++open;
  }
  slot = ConnectionSlot(shared_from_this(), address);
  return true;
}

void ConnectionLimiter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  if (it != open_.end() && --it->second == 0) {
    open_.erase(it);
  }
}

size_t ConnectionLimiter::countForTest(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace livedash::server
