// src/engine/eval/temporal_scope.hpp
//
// What Drasi's future functions (drasi.trueFor and friends) need while a MATCH predicate is
// evaluated for one solution: which solution it is, when its change happened, where to keep the
// time markers, and how to ask for a re-evaluation later.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace livedash::engine {

using SolutionKey = std::vector<core::Value>;

//! When each (function call, solution) first saw its condition true. Invariant: a solution has
//! markers only while it still exists and its predicate is true or waiting on time.
class TemporalMarkers {
 public:
  //! The stored start, or `start_if_new` after storing it.
  int64_t startOf(int call, const SolutionKey& key, int64_t start_if_new);
  void clear(int call, const SolutionKey& key);
  void clearAll(const SolutionKey& key) { markers_.erase(key); }
  size_t size() const { return markers_.size(); }

 private:
  std::unordered_map<SolutionKey, std::vector<std::pair<int, int64_t>>, core::ValuesHash> markers_;
};

//! What drasi.previousValue and previousDistinctValue remember, per (function call, solution):
//! the value as of the solution's latest change, and the two answers as of the change before.
class PreviousValues {
 public:
  struct Entry {
    core::Value latest;         //!< the value as of the latest change
    core::Value before_latest;  //!< the value as of the change before it (previousValue)
    //! The last value that differed from `before_latest`, as of that earlier change.
    core::Value distinct_before;
    uint64_t transaction = 0;  //!< when `latest` was last set
  };
  //! The entry, or null when the solution has not been evaluated yet.
  Entry* find(int call, const SolutionKey& key);
  Entry& insert(int call, const SolutionKey& key, Entry entry);
  void clearAll(const SolutionKey& key) { entries_.erase(key); }
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<SolutionKey, std::vector<std::pair<int, Entry>>, core::ValuesHash> entries_;
};

struct TemporalScope {
  const SolutionKey* key = nullptr;
  //! Commit time of the change being applied (the snapshot time during bootstrap; now when a
  //! future comes due).
  int64_t change_time_ms = 0;
  TemporalMarkers* markers = nullptr;
  //! Asks for this solution to be evaluated again at `due_ms`.
  std::function<void(int64_t due_ms)> schedule;
  //! Set by a function that cannot answer yet (Drasi's "awaiting"): the predicate then filters
  //! the solution out, but its markers are kept.
  bool awaiting = false;
  //! The query's transaction count, and whether this evaluation is for a change of the data
  //! (false when time alone brought it back): previousValue moves on only with the data.
  uint64_t transaction = 0;
  bool data_change = true;
  PreviousValues* previous = nullptr;
};

}  // namespace livedash::engine
