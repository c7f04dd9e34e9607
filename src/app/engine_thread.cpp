// src/app/engine_thread.cpp
#include "app/engine_thread.hpp"

#include <algorithm>
#include <span>

#include <spdlog/spdlog.h>

#include "app/ws_feed.hpp"

namespace livedash::app {

EngineThread::EngineThread(const core::Clock& clock) : engine_(clock) {
  engine_.setDiffSink(this);
}

EngineThread::~EngineThread() {
  stop();
}

void EngineThread::start() {
  if (!thread_.joinable())
    thread_ = std::thread([this] { run(); });
}

void EngineThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void EngineThread::addReaction(reactions::Reaction* reaction) {
  if (!running()) {
    reactions_.push_back(reaction);
    return;
  }
  call([this, reaction](engine::Engine&) {
    reactions_.push_back(reaction);
    return 0;
  });
}

void EngineThread::removeReaction(const reactions::Reaction* reaction) {
  auto remove = [this, reaction] { std::erase(reactions_, reaction); };
  if (!running()) {
    remove();
    return;
  }
  call([&remove](engine::Engine&) {
    remove();
    return 0;
  });
}

void EngineThread::setSequenceSlot(const std::string& query_id, uint64_t* slot) {
  if (slot)
    sequence_slots_[query_id] = slot;
  else
    sequence_slots_.erase(query_id);
}

void EngineThread::post(std::function<void(engine::Engine&)> task) {
  enqueue(Work{std::move(task), {}});
}

void EngineThread::onBatch(core::ChangeBatch&& batch) {
  enqueue(Work{{}, std::move(batch)});
}

void EngineThread::enqueue(Work work) {
  {
    std::lock_guard lock(mutex_);
    work_.push_back(std::move(work));
    queued_.fetch_add(1, std::memory_order_relaxed);
  }
  wake_.notify_one();
}

void EngineThread::applyBacklog() {
  // One call for the batches that queued up while the engine was busy: it looks ahead into them
  // (Engine::apply over a span). Each still is its own transaction with its own diffs.
  try {
    engine_.apply(std::span<const core::ChangeBatch>(backlog_));
  } catch (const std::exception& e) {
    // The engine reports a query's own errors on the query; anything thrown here is a bug.
    spdlog::error("applying {} batches failed: {}", backlog_.size(), e.what());
  }
  for (core::ChangeBatch& batch : backlog_) {
    applied_.fetch_add(1);
    applied_changes_.fetch_add(batch.changes.size());
    if (batch.on_applied)
      batch.on_applied();
  }
  backlog_.clear();
}

void EngineThread::onDiff(const engine::QueryDiff& diff) {
  diffs_out_.fetch_add(1);
  if (diff_observer_)
    diff_observer_(diff);
  if (!sequence_slots_.empty()) {
    auto slot = sequence_slots_.find(diff.query_id);
    if (slot != sequence_slots_.end())
      *slot->second = diff.sequence;
  }
  std::string json;
  for (reactions::Reaction* r : reactions_) {
    const auto& qs = r->queries();
    if (std::find(qs.begin(), qs.end(), diff.query_id) == qs.end())
      continue;
    if (json.empty())
      json = engine::diffJson(diff);
    r->onDiff(diff, json);
  }
  if (ws_feed_)
    ws_feed_->onDiff(diff, json);
}

std::optional<int64_t> EngineThread::nextDueMs() const {
  std::optional<int64_t> due = engine_.nextDueMs();
  std::optional<int64_t> boundary = ws_feed_ ? ws_feed_->nextWakeMs() : std::nullopt;
  if (boundary && (!due || *boundary < *due))
    due = boundary;
  return due;
}

void EngineThread::fireDue() {
  engine_.fireDueFutures();
  if (ws_feed_)
    ws_feed_->onWake(engine_, engine_.clock().nowMs());
}

void EngineThread::run() {
  while (true) {
    std::function<void(engine::Engine&)> task;
    {
      std::unique_lock lock(mutex_);
      // Sleep until there is work or the next future (or period boundary) is due by the
      // engine's clock.
      while (!stopping_ && work_.empty()) {
        std::optional<int64_t> due = nextDueMs();
        if (due && *due <= engine_.clock().nowMs())
          break;
        if (due) {
          wake_.wait_for(lock, std::chrono::milliseconds(*due - engine_.clock().nowMs()));
        } else {
          wake_.wait(lock);
        }
      }
      if (stopping_ && work_.empty())
        return;
      if (!work_.empty() && work_.front().task) {
        task = std::move(work_.front().task);
        work_.pop_front();
        queued_.fetch_sub(1, std::memory_order_relaxed);
      }
      // A few hundred at most, so a long backlog still lets due futures and calls in between.
      constexpr size_t kMaxBacklog = 256;
      while (!task && !work_.empty() && !work_.front().task && backlog_.size() < kMaxBacklog) {
        backlog_.push_back(std::move(work_.front().batch));
        work_.pop_front();
        queued_.fetch_sub(1, std::memory_order_relaxed);
      }
    }
    if (!backlog_.empty()) {
      applyBacklog();
    } else if (!task) {
      fireDue();
      continue;
    } else {
      try {
        task(engine_);
      } catch (const std::exception& e) {
        // Tasks from call() carry their exception back in the future; anything else is a bug.
        spdlog::error("engine task failed: {}", e.what());
      }
    }
    // What came due meanwhile fires before the next task, so a steady stream of tasks cannot
    // starve it (and a test that steps the clock knows it fired once a later call() returns).
    std::optional<int64_t> due = nextDueMs();
    if (due && *due <= engine_.clock().nowMs())
      fireDue();
  }
}

}  // namespace livedash::app
