// src/server/sse_replay_ring.hpp
//
// The last frames of an SSE stream, bounded in count and in bytes, for `Last-Event-ID` and
// `?since=` resume. Not thread-safe: the stream guards it with its mutex.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "core/frame.hpp"
#include "server/sse_resume_point.hpp"

namespace livedash::server {

class SseReplayRing {
 public:
  enum class Resume {
    Replay,  //!< every frame after the client's id is here (possibly none)
    TooOld,  //!< frames after the client's id were already dropped
    Ahead,   //!< the client's id is past our latest (it saw a previous server run)
  };

  //! Keeps at most `capacity` frames and, past the newest one, at most `max_bytes` of them
  //! (0: no byte bound). The newest frame is always kept, however large, so that a client that
  //! is current can still resume.
  explicit SseReplayRing(size_t capacity, size_t max_bytes = 0);

  //! Appends a frame with a non-zero sequence, dropping the oldest while either bound is
  //! exceeded.
  void push(core::FrameConstSharedPtr frame);
  //! Drops every frame and every query's latest sequence.
  void clear();
  //! The sequence of the latest frame pushed, 0 before the first.
  uint64_t lastSequence() const { return last_sequence_; }
  size_t size() const { return size_; }
  //! Wire bytes of the frames kept.
  size_t bytes() const { return bytes_; }

  //! For a client that has everything up to `last_id`: appends the frames after it to `out`
  //! when the answer is Replay.
  Resume collectAfter(uint64_t last_id, std::vector<core::FrameConstSharedPtr>& out) const;

  //! For a client that holds each query in `since` up to its sequence (from the query's
  //! snapshot): appends, in stream order, the frames of those queries after those sequences
  //! when the answer is Replay. TooOld when a query's next diff has left the log; Ahead when a
  //! sequence is past the query's latest diff (a snapshot from a previous server run).
  Resume collectSince(const std::vector<QueryPosition>& since,
                      std::vector<core::FrameConstSharedPtr>& out) const;

 private:
  const core::FrameConstSharedPtr& at(size_t logical) const;
  void dropOldest();

  std::vector<core::FrameConstSharedPtr> slots_;
  size_t head_ = 0;  //!< slot of the oldest frame
  size_t size_ = 0;
  size_t max_bytes_ = 0;
  size_t bytes_ = 0;
  uint64_t last_sequence_ = 0;
  //! The latest query sequence seen per query, whether or not its frame is still kept.
  boost::unordered_flat_map<std::string, uint64_t> last_query_sequence_;
};

}  // namespace livedash::server
