// src/server/sse_replay_ring.cpp
#include "server/sse_replay_ring.hpp"

namespace livedash::server {

SseReplayRing::SseReplayRing(size_t capacity, size_t max_bytes)
    : slots_(capacity), max_bytes_(max_bytes) {}

const core::FrameConstSharedPtr& SseReplayRing::at(size_t logical) const {
  return slots_[(head_ + logical) % slots_.size()];
}

void SseReplayRing::dropOldest() {
  bytes_ -= slots_[head_]->bytes.size();
  slots_[head_].reset();
  head_ = (head_ + 1) % slots_.size();
  --size_;
}

void SseReplayRing::push(core::FrameConstSharedPtr frame) {
  last_sequence_ = frame->sequence;
  if (frame->query_sequence != 0) {
    last_query_sequence_[frame->query] = frame->query_sequence;
  }
  if (slots_.empty()) {
    return;
  }
  if (size_ == slots_.size()) {
    dropOldest();
  }
  bytes_ += frame->bytes.size();
  slots_[(head_ + size_) % slots_.size()] = std::move(frame);
  ++size_;
  while (max_bytes_ > 0 && bytes_ > max_bytes_ && size_ > 1) {
    dropOldest();
  }
}

void SseReplayRing::clear() {
  while (size_ > 0) {
    dropOldest();
  }
  head_ = 0;
  last_sequence_ = 0;
  last_query_sequence_.clear();
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

SseReplayRing::Resume SseReplayRing::collectSince(
    const std::vector<QueryPosition>& since, std::vector<core::FrameConstSharedPtr>& out) const {
  // Per listed query: does the client miss anything, and has its first missing diff been seen?
  std::vector<char> missing(since.size());
  std::vector<char> found(since.size());
  for (size_t i = 0; i < since.size(); ++i) {
    auto latest = last_query_sequence_.find(since[i].query);
    uint64_t last = latest == last_query_sequence_.end() ? 0 : latest->second;
    if (since[i].sequence > last) {
      return Resume::Ahead;
    }
    missing[i] = since[i].sequence < last;
  }
  const size_t first_out = out.size();
  for (size_t logical = 0; logical < size_; ++logical) {
    const core::FrameConstSharedPtr& frame = at(logical);
    for (size_t i = 0; i < since.size(); ++i) {
      if (!missing[i] || frame->query != since[i].query ||
          frame->query_sequence <= since[i].sequence) {
        continue;
      }
      if (!found[i] && (frame->query_sequence != since[i].sequence + 1 || frame->part != 0)) {
        out.resize(first_out);
        return Resume::TooOld;
      }
      found[i] = 1;
      out.push_back(frame);
      break;
    }
  }
  for (size_t i = 0; i < since.size(); ++i) {
    if (missing[i] && !found[i]) {
      out.resize(first_out);
      return Resume::TooOld;
    }
  }
  return Resume::Replay;
}

}  // namespace livedash::server
