// src/server/sse_replay_ring.cpp
#include "server/sse_replay_ring.hpp"

namespace livedash::server {

SseReplayRing::SseReplayRing(size_t capacity) : slots_(capacity) {}

const core::FrameConstSharedPtr& SseReplayRing::at(size_t logical) const {
  return slots_[(head_ + logical) % slots_.size()];
}

void SseReplayRing::push(core::FrameConstSharedPtr frame) {
  last_sequence_ = frame->sequence;
  if (slots_.empty()) {
    return;
  }
  if (size_ < slots_.size()) {
    slots_[(head_ + size_) % slots_.size()] = std::move(frame);
    ++size_;
  } else {
    slots_[head_] = std::move(frame);
    head_ = (head_ + 1) % slots_.size();
  }
}

SseReplayRing::Resume SseReplayRing::collectAfter(
    uint64_t last_id, std::vector<core::FrameConstSharedPtr>& out) const {
  if (last_id > last_sequence_) {
    return Resume::Ahead;
  }
  if (last_id == last_sequence_) {
    return Resume::Replay;
  }
  // Frames are in increasing sequence order: find the first one after last_id.
  size_t lo = 0;
  size_t hi = size_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (at(mid)->sequence <= last_id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == size_ || at(lo)->sequence != last_id + 1) {
    return Resume::TooOld;
  }
  for (size_t i = lo; i < size_; ++i) {
    out.push_back(at(i));
  }
  return Resume::Replay;
}

}  // namespace livedash::server
