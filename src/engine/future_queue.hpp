// src/engine/future_queue.hpp
//
// Re-evaluations that time will make due: (due time, query, solution). Adding the same item
// twice keeps one. Items are never cancelled: one that no longer matters re-evaluates its
// solution to the same result, which emits nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/value.hpp"

namespace livedash::engine {

struct FutureItem {
  int64_t due_ms = 0;
  std::string query_id;
  std::vector<core::Value> key;
  auto operator<=>(const FutureItem&) const = default;
};

class FutureQueue {
 public:
  void add(FutureItem item) { items_.insert(std::move(item)); }
  std::optional<int64_t> nextDueMs() const {
    if (items_.empty())
      return std::nullopt;
    return items_.begin()->due_ms;
  }
  //! Removes and returns every item due at or before `now_ms`, earliest first.
  std::vector<FutureItem> takeDue(int64_t now_ms);
  size_t size() const { return items_.size(); }

 private:
  std::set<FutureItem> items_;
};

}  // namespace livedash::engine
