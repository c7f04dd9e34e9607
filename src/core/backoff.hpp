// src/core/backoff.hpp
//
// Reconnect delays: exponential growth with "equal jitter" (half the ceiling fixed, half random),
// so that many clients cut off by the same outage do not come back in lockstep. reset() after a
// success.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace livedash::core {

class Backoff {
 public:
  Backoff(int64_t initial_ms = 100, int64_t max_ms = 10'000)
      : initial_ms_(initial_ms), max_ms_(max_ms), rng_(std::random_device{}()) {}

  //! The next delay: uniform in [ceiling/2, ceiling], where the ceiling doubles per attempt.
  int64_t nextDelayMs() {
    int64_t ceiling = std::min(max_ms_, initial_ms_ << std::min(attempts_, 20));
    ++attempts_;
    std::uniform_int_distribution<int64_t> pick(ceiling / 2, ceiling);
    return pick(rng_);
  }
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  int64_t initial_ms_;
  int64_t max_ms_;
  int attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace livedash::core
