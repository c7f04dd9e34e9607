// src/server/trimmed_vector.hpp
//
// Sessions keep their outgoing queues in vectors reused across writes; most connections sit idle
// with nothing queued, so a vector that grew in a burst is released once drained.
#pragma once

#include <cstddef>
#include <vector>

namespace livedash::server {

//! Capacity kept across writes; beyond it a drained vector gives its memory back.
inline constexpr size_t kKeptQueueCapacity = 32;

template <typename T>
void clearAndTrim(std::vector<T>& v) {
  if (v.capacity() > kKeptQueueCapacity) {
    std::vector<T>().swap(v);
  } else {
    v.clear();
  }
}

}  // namespace livedash::server
