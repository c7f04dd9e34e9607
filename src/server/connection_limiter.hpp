// src/server/connection_limiter.hpp
//
// Caps the connections one client address may hold open at once, so that a single host cannot
// take every file descriptor. A connection holds a ConnectionSlot from accept to close, whichever
// session (HTTP, SSE, WebSocket) owns the socket by then; dropping the slot frees it. Used from
// every IO thread, hence the mutex: it is taken once per connection, never per message.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace livedash::server {

class ConnectionLimiter;

//! One counted connection. Move-only; an empty slot counts nothing.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter, std::string address);
  ~ConnectionSlot();
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  void release();

  std::shared_ptr<ConnectionLimiter> limiter_;
  std::string address_;
};

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  //! `max_per_address` 0 means no cap.
  explicit ConnectionLimiter(size_t max_per_address) : max_(max_per_address) {}

  size_t maxPerAddress() const { return max_; }
  //! Fills `slot` for one more connection from `address`; false when that address is at the cap.
  bool tryAcquire(const std::string& address, ConnectionSlot& slot);
  size_t countForTest(const std::string& address) const;

 private:
  friend class ConnectionSlot;
  void release(const std::string& address);

  size_t max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> open_;  //!< guarded by mutex_
};
using ConnectionLimiterSharedPtr = std::shared_ptr<ConnectionLimiter>;

}  // namespace livedash::server
