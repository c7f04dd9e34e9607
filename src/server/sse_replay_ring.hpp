// src/server/sse_replay_ring.hpp
//
// The last N frames of an SSE stream, for `Last-Event-ID` resume. Not thread-safe: the stream
// guards it with its mutex.
#pragma once

#include <cstdint>
#include <vector>

#include "core/frame.hpp"

namespace livedash::server {

class SseReplayRing {
 public:
  enum class Resume {
    Replay,  //!< every frame after the client's id is here (possibly none)
    TooOld,  //!< frames after the client's id were already dropped
    Ahead,   //!< the client's id is past our latest (it saw a previous server run)
  };

  explicit SseReplayRing(size_t capacity);

  //! Appends a frame with a non-zero sequence, dropping the oldest when full.
  void push(core::FrameConstSharedPtr frame);
  //! The sequence of the latest frame pushed, 0 before the first.
  uint64_t lastSequence() const { return last_sequence_; }
  size_t size() const { return size_; }

  //! For a client that has everything up to `last_id`: appends the frames after it to `out`
  //! when the answer is Replay.
  Resume collectAfter(uint64_t last_id, std::vector<core::FrameConstSharedPtr>& out) const;

 private:
  const core::FrameConstSharedPtr& at(size_t logical) const;

  std::vector<core::FrameConstSharedPtr> slots_;
  size_t head_ = 0;  //!< slot of the oldest frame
  size_t size_ = 0;
  uint64_t last_sequence_ = 0;
};

}  // namespace livedash::server
