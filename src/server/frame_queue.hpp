// src/server/frame_queue.hpp
//
// A connection's outgoing frames, first in first out. std::deque would do, but libstdc++'s
// allocates a 512-byte block as soon as it is constructed, and most connections sit idle with
// nothing queued: this one holds no memory while empty, and gives back a large buffer once it
// drains, so an idle connection stays small after a burst.
#pragma once

#include <cstddef>
#include <vector>

#include "core/frame.hpp"

namespace livedash::server {

class FrameQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  const core::FrameConstSharedPtr& front() const { return items_[head_]; }

  void push(core::FrameConstSharedPtr frame) { items_.push_back(std::move(frame)); }

  void pop() {
    items_[head_].reset();
    ++head_;
    if (empty()) {
      clear();
    } else if (head_ >= kCompactAfter && head_ * 2 >= items_.size()) {
      // A queue that never quite drains would otherwise grow forever.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  //! Keeps the first `count` frames (at most size()) and drops the rest.
  void truncate(size_t count) {
    if (count == 0) {
      clear();
    } else if (count < size()) {
      items_.resize(head_ + count);
    }
  }

 private:
  static constexpr size_t kCompactAfter = 32;
  //! Capacity kept across bursts; above it the buffer is released once drained.
  static constexpr size_t kKeptCapacity = 32;

  void clear() {
    if (items_.capacity() > kKeptCapacity) {
      std::vector<core::FrameConstSharedPtr>().swap(items_);
    } else {
      items_.clear();
    }
    head_ = 0;
  }

  std::vector<core::FrameConstSharedPtr> items_;
  size_t head_ = 0;
};

}  // namespace livedash::server
