// src/engine/future_queue.hpp
//
// Re-evaluations that time will make due: for each (query, solution), the earliest moment one
// of its temporal calls asked to be evaluated again. A solution that is evaluated afresh
// (because its data changed, or it is gone) cancels what it was waiting for, and its evaluation
// asks again for what it still needs; a cancelled or superseded moment costs one hash lookup
// when it comes due, never an evaluation.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace livedash::engine {

class ContinuousQuery;
using RowKey = std::vector<core::Value>;

struct FutureKey {
  ContinuousQuery* query = nullptr;
  RowKey key;
  bool operator==(const FutureKey&) const = default;
};

struct FutureKeyHash {
  size_t operator()(const FutureKey& k) const;
};

class FutureQueue {
 public:
  //! Asks for `key` of `query` to be evaluated again at `due_ms`. The earliest moment asked for
  //! since the key's last cancel() is the one kept: that evaluation asks for the later ones again.
  void schedule(ContinuousQuery* query, const RowKey& key, int64_t due_ms);
  //! Forgets what `key` of `query` was waiting for.
  void cancel(ContinuousQuery* query, const RowKey& key);
  //! Forgets everything `query` was waiting for (the query is being removed).
  void cancelAll(ContinuousQuery* query);
  //! When the earliest queued moment is; it may be a cancelled one, which fires nothing.
  std::optional<int64_t> nextDueMs() const {
    if (heap_.empty())
      return std::nullopt;
    return heap_.top().due_ms;
  }
  //! Removes and returns every live item due at or before `now_ms`, earliest first.
  std::vector<FutureKey> takeDue(int64_t now_ms);
  //! Solutions waiting on time.
  size_t size() const { return live_; }

 private:
  static constexpr int64_t kNotWaiting = INT64_MAX;
  struct Waiting {
    int64_t due_ms = kNotWaiting;
    uint32_t queued = 0;  //!< heap entries that point here
  };
  using Map = std::unordered_map<FutureKey, Waiting, FutureKeyHash>;
  struct Queued {
    int64_t due_ms;
    Map::value_type* entry;  // stable: unordered_map never moves its elements
    bool operator>(const Queued& other) const { return due_ms > other.due_ms; }
  };
  void release(Map::value_type* entry);

  Map waiting_;
  std::priority_queue<Queued, std::vector<Queued>, std::greater<>> heap_;
  size_t live_ = 0;
};

}  // namespace livedash::engine
