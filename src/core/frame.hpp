// src/core/frame.hpp
//
// An encoded message, made once and shared by every subscriber that receives it. Reactions make
// frames; the server delivers them. Neither knows the other: they meet through FrameSink.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace livedash::core {

struct Frame {
  //! The stream this frame belongs to (for SSE: the reaction's stream path).
  std::string channel;
  //! Position in the channel, strictly increasing by one; 0 for frames outside the sequence
  //! (heartbeats, control messages).
  uint64_t sequence = 0;
  //! The query whose diff this is, so a subscriber can be limited to some queries of a
  //! multiplexed channel; empty for frames that belong to no query (heartbeats, control).
  std::string query;
  //! The query's own sequence for this diff (its `sequence` field), so a subscriber that loaded
  //! the query's snapshot at sequence N can be sent exactly the diffs after N; 0: none.
  uint64_t query_sequence = 0;
  //! Which of the frames one diff made on this channel this is, from 0: an SSE route with a
  //! template sends a message per changed row, and a resume must not start inside a diff.
  uint32_t part = 0;
  //! Commit time of the source transaction behind this frame, ms since the epoch (0: none), so
  //! the server can measure commit-to-socket latency.
  int64_t commit_time_ms = 0;
  //! The bytes as they go on the wire (for SSE: the whole event, ending in a blank line).
  std::string bytes;
};
using FrameConstSharedPtr = std::shared_ptr<const Frame>;

//! Accepts frames for delivery. publish() may be called from any thread and must not block.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void publish(FrameConstSharedPtr frame) = 0;
};

}  // namespace livedash::core
