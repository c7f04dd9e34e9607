// src/server/latency_histogram.hpp
//
// A lock-free latency histogram with fixed buckets, so IO threads can record without a mutex and
// without the server depending on a metrics library; the app turns snapshots into Prometheus
// series. Bucket bounds are in milliseconds (livedash's commit times are whole milliseconds).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace livedash::server {

class LatencyHistogram {
 public:
  static constexpr std::array<int64_t, 14> kBoundsMs = {1,   2,   5,    10,   25,   50,    100,
                                                        250, 500, 1000, 2500, 5000, 10000, 30000};
  struct Snapshot {
    //! Observations per bucket, not cumulative: bucket i holds values up to kBoundsMs[i] (and
    //! above the bound before it); the last one holds the rest.
    std::array<uint64_t, kBoundsMs.size() + 1> counts{};
    int64_t sum_ms = 0;
  };

  //! Any thread. Negative values (a source clock ahead of ours) count as 0.
  void observe(int64_t ms);
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsMs.size() + 1> counts_{};
  std::atomic<int64_t> sum_ms_{0};
};

}  // namespace livedash::server
