// src/server/latency_histogram.cpp
#include "server/latency_histogram.hpp"

#include <algorithm>

namespace livedash::server {

void LatencyHistogram::observe(int64_t ms) {
  ms = std::max<int64_t>(0, ms);
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(kBoundsMs.begin(), kBoundsMs.end(), ms) - kBoundsMs.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ms_.fetch_add(ms, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot s;
  for (size_t i = 0; i < counts_.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  }
  s.sum_ms = sum_ms_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace livedash::server
