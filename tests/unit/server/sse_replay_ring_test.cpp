// tests/unit/server/sse_replay_ring_test.cpp
#include "server/sse_replay_ring.hpp"

#include <gtest/gtest.h>

namespace livedash::server {
namespace {

using Resume = SseReplayRing::Resume;

core::FrameConstSharedPtr frame(uint64_t sequence) {
  auto f = std::make_shared<core::Frame>();
  f->sequence = sequence;
  return f;
}

std::vector<uint64_t> sequences(const std::vector<core::FrameConstSharedPtr>& frames) {
  std::vector<uint64_t> out;
  for (const auto& f : frames) {
    out.push_back(f->sequence);
  }
  return out;
}

TEST(SseReplayRingTest, ReplaysAfterTheClientsIdAcrossWrapAround) {
  SseReplayRing ring(4);
  for (uint64_t i = 1; i <= 10; ++i) {
    ring.push(frame(i));
  }
  EXPECT_EQ(ring.size(), 4u);
  EXPECT_EQ(ring.lastSequence(), 10u);
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectAfter(6, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{7, 8, 9, 10}));
  out.clear();
  EXPECT_EQ(ring.collectAfter(8, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{9, 10}));
  out.clear();
  EXPECT_EQ(ring.collectAfter(10, out), Resume::Replay);
  EXPECT_TRUE(out.empty());
}

TEST(SseReplayRingTest, TooOldAndAhead) {
  SseReplayRing ring(4);
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectAfter(0, out), Resume::Replay);
  EXPECT_EQ(ring.collectAfter(1, out), Resume::Ahead);
  for (uint64_t i = 1; i <= 10; ++i) {
    ring.push(frame(i));
  }
  EXPECT_EQ(ring.collectAfter(5, out), Resume::TooOld);
  EXPECT_EQ(ring.collectAfter(0, out), Resume::TooOld);
  EXPECT_EQ(ring.collectAfter(11, out), Resume::Ahead);
  EXPECT_TRUE(out.empty());
}

TEST(SseReplayRingTest, ZeroCapacityOnlyTracksTheLatestSequence) {
  SseReplayRing ring(0);
  ring.push(frame(1));
  ring.push(frame(2));
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectAfter(2, out), Resume::Replay);
  EXPECT_EQ(ring.collectAfter(1, out), Resume::TooOld);
}

}  // namespace
}  // namespace livedash::server
