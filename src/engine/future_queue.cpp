// src/engine/future_queue.cpp
#include "engine/future_queue.hpp"

namespace livedash::engine {

std::vector<FutureItem> FutureQueue::takeDue(int64_t now_ms) {
  std::vector<FutureItem> due;
  while (!items_.empty() && items_.begin()->due_ms <= now_ms) {
    due.push_back(std::move(items_.extract(items_.begin()).value()));
  }
  return due;
}

}  // namespace livedash::engine
