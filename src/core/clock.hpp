// src/core/clock.hpp
//
// The engine's notion of now. Production uses SystemClock; tests use FakeClock and step it.
// Only core/system_clock.cpp may read the wall clock.
#pragma once

#include <atomic>
#include <cstdint>

namespace livedash::core {

class Clock {
 public:
  virtual ~Clock() = default;
  //! Milliseconds since the Unix epoch. Safe to call from any thread.
  virtual int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMs() const override;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 0) : now_ms_(start_ms) {}
  int64_t nowMs() const override { return now_ms_.load(); }
  void setMs(int64_t now_ms) { now_ms_.store(now_ms); }
  void advanceMs(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace livedash::core
