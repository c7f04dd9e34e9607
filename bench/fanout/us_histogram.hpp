// bench/fanout/us_histogram.hpp
//
// Latencies in microseconds, log-linear: 32 buckets per power of two (under 3.2% error), so that
// each IO thread keeps its own without locks or allocation and percentiles need no sort.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace livedash::bench {

class UsHistogram {
 public:
  //! Negative values (clocks a microsecond apart) count as 0.
  void record(int64_t us) {
    const uint64_t v = us < 0 ? 0 : static_cast<uint64_t>(us);
    ++counts_[index(v)];
    ++count_;
    max_ = std::max(max_, v);
  }

  void merge(const UsHistogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) {
      counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }

  //! The upper bound of the bucket holding the p-th percentile (p in 0..100); 0 when empty.
  uint64_t percentile(double p) const {
    if (count_ == 0) {
      return 0;
    }
    const auto rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(count_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        return std::min(upper(i), max_);
      }
    }
    return max_;
  }

 private:
  static constexpr int kSubBits = 5;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;

  // Values below 32 have a bucket each; above, bucket (shift + 1) * 32 + sub holds
  // [(32 + sub) << shift, (33 + sub) << shift).
  static size_t index(uint64_t v) {
    if (v < kSub) {
      return static_cast<size_t>(v);
    }
    const int shift = std::bit_width(v) - 1 - kSubBits;
    const uint64_t sub = (v >> shift) - kSub;
    return static_cast<size_t>((shift + 1) * kSub + sub);
  }

  static uint64_t upper(size_t i) {
    if (i < kSub) {
      return i;
    }
    const size_t shift = i / kSub - 1;
    const uint64_t sub = i % kSub;
    return ((kSub + sub + 1) << shift) - 1;
  }

  std::array<uint64_t, 64 * kSub> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace livedash::bench
