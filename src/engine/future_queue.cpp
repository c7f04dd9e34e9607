// src/engine/future_queue.cpp
#include "engine/future_queue.hpp"

#include <functional>

namespace livedash::engine {

size_t FutureKeyHash::operator()(const FutureKey& k) const {
  return core::ValuesHash{}(k.key) ^ (std::hash<const void*>{}(k.query) * 0x9E3779B97F4A7C15ULL);
}

void FutureQueue::schedule(ContinuousQuery* query, const RowKey& key, int64_t due_ms) {
  auto [it, inserted] = waiting_.try_emplace(FutureKey{query, key});
  Waiting& w = it->second;
  if (w.due_ms <= due_ms)
    return;
  if (w.due_ms == kNotWaiting)
    ++live_;
  w.due_ms = due_ms;
  ++w.queued;
  heap_.push(Queued{due_ms, &*it});
}

void FutureQueue::cancel(ContinuousQuery* query, const RowKey& key) {
  auto it = waiting_.find(FutureKey{query, key});
  if (it == waiting_.end())
    return;
  if (it->second.due_ms != kNotWaiting) {
    it->second.due_ms = kNotWaiting;
    --live_;
  }
  release(&*it);
}

void FutureQueue::cancelAll(ContinuousQuery* query) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    auto next = std::next(it);
    if (it->first.query == query) {
      if (it->second.due_ms != kNotWaiting) {
        it->second.due_ms = kNotWaiting;
        --live_;
      }
      release(&*it);
    }
    it = next;
  }
}

// Erases an entry nobody waits on and no heap entry points to.
void FutureQueue::release(Map::value_type* entry) {
  if (entry->second.due_ms == kNotWaiting && entry->second.queued == 0)
    waiting_.erase(entry->first);
}

std::vector<FutureKey> FutureQueue::takeDue(int64_t now_ms) {
  std::vector<FutureKey> due;
  while (!heap_.empty() && heap_.top().due_ms <= now_ms) {
    Queued top = heap_.top();
    heap_.pop();
    Waiting& w = top.entry->second;
    --w.queued;
    if (w.due_ms == top.due_ms) {
      due.push_back(top.entry->first);
      w.due_ms = kNotWaiting;
      --live_;
    }
    release(top.entry);
  }
  return due;
}

}  // namespace livedash::engine
