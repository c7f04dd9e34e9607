// src/core/system_clock.cpp
#include <chrono>

#include "core/clock.hpp"

namespace livedash::core {

int64_t SystemClock::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace livedash::core
