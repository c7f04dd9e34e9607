// tests/integration/sources/replication_test_support.hpp
//
// What the replication tests share: a sink that records batches and folds them into the state a
// consumer would hold (upsert with merge, delete, truncate), and helpers to compare that state
// with what PostgreSQL itself says.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "core/json.hpp"

namespace livedash::integration {

class RecordingSink final : public core::ChangeSink {
 public:
  //! When false, batches are held back from being "applied": their on_applied is not called
  //! until releaseApplied().
  explicit RecordingSink(bool apply_immediately = true) : apply_immediately_(apply_immediately) {}

  void onBatch(core::ChangeBatch&& batch) override {
    std::lock_guard lock(mutex_);
    fold(batch);
    if (apply_immediately_ && batch.on_applied)
      batch.on_applied();
    else if (batch.on_applied)
      held_.push_back(std::move(batch.on_applied));
    batches_.push_back(std::move(batch));
    changed_.notify_all();
  }

  void releaseApplied() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& f : held)
      f();
  }

  //! Waits until `ready` (called under the lock) holds; false on timeout.
  bool waitFor(const std::function<bool(const RecordingSink&)>& ready, int timeout_ms = 15'000) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return ready(*this); });
  }

  // Readers: call under waitFor's predicate, or through the copies below.
  const std::vector<core::ChangeBatch>& batchesLocked() const { return batches_; }
  const std::map<std::string, core::Map>& stateLocked() const { return state_; }

  std::map<std::string, core::Map> state() {
    std::lock_guard lock(mutex_);
    return state_;
  }
  std::vector<core::ChangeBatch> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  //! Number of Insert changes each element id received, over all batches.
  std::map<std::string, int> insertCounts() {
    std::lock_guard lock(mutex_);
    std::map<std::string, int> counts;
    for (const auto& b : batches_) {
      for (const auto& c : b.changes) {
        if (c.op == core::ChangeOp::Insert)
          ++counts[c.element.id];
      }
    }
    return counts;
  }

 private:
  void fold(const core::ChangeBatch& batch) {
    for (const core::Change& c : batch.changes) {
      switch (c.op) {
        case core::ChangeOp::Insert:
          state_[c.element.id] = c.element.properties;
          break;
        case core::ChangeOp::Update: {
          core::Map& row = state_[c.element.id];
          for (const auto& [k, v] : c.element.properties)
            row.insert_or_assign(k, v);
          break;
        }
        case core::ChangeOp::Delete:
          state_.erase(c.element.id);
          break;
        case core::ChangeOp::Truncate: {
          std::string prefix = c.element.labels.at(0) + ":";
          for (auto it = state_.begin(); it != state_.end();) {
            it = it->first.starts_with(prefix) ? state_.erase(it) : std::next(it);
          }
          break;
        }
      }
    }
  }

  bool apply_immediately_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<core::ChangeBatch> batches_;
  std::vector<std::function<void()>> held_;
  std::map<std::string, core::Map> state_;
};

//! A row's properties as JSON, for readable comparisons.
inline std::string rowJson(const core::Map& row) {
  return core::toJson(core::Value(row));
}

}  // namespace livedash::integration
