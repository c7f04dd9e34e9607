// tests/unit/server/sse_replay_ring_test.cpp
#include "server/sse_replay_ring.hpp"

#include <gtest/gtest.h>

namespace livedash::server {
namespace {

using Resume = SseReplayRing::Resume;

core::FrameConstSharedPtr frame(uint64_t sequence, size_t bytes = 0) {
  auto f = std::make_shared<core::Frame>();
  f->sequence = sequence;
  f->bytes.assign(bytes, 'x');
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

TEST(SseReplayRingTest, ByteBoundDropsTheOldestButKeepsTheNewest) {
  SseReplayRing ring(100, 250);
  for (uint64_t i = 1; i <= 5; ++i) {
    ring.push(frame(i, 100));
  }
  EXPECT_EQ(ring.size(), 2u) << "three frames of 100 bytes would pass 250";
  EXPECT_EQ(ring.bytes(), 200u);
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectAfter(3, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(ring.collectAfter(2, out), Resume::TooOld);

  ring.push(frame(6, 1000));  // larger than the whole budget: alone, but kept
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.bytes(), 1000u);
  out.clear();
  EXPECT_EQ(ring.collectAfter(5, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{6}));

  for (uint64_t i = 7; i <= 300; ++i) {
    ring.push(frame(i, 1));
  }
  EXPECT_EQ(ring.size(), 100u) << "small frames: the count bounds the log";
  EXPECT_EQ(ring.bytes(), 100u);
}

core::FrameConstSharedPtr diff(uint64_t sequence, std::string query, uint64_t query_sequence) {
  auto f = std::make_shared<core::Frame>();
  f->sequence = sequence;
  f->query = std::move(query);
  f->query_sequence = query_sequence;
  return f;
}

TEST(SseReplayRingTest, SinceReplaysEachQueryAfterItsSnapshotInStreamOrder) {
  SseReplayRing ring(8);
  // Stream ids 1..10 alternate a1 b1 a2 b2 … a5 b5; the ring keeps ids 3..10 (a2 onwards).
  for (uint64_t i = 1; i <= 10; ++i) {
    ring.push(diff(i, i % 2 ? "a" : "b", (i + 1) / 2));
  }
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectSince({{"a", 3}, {"b", 2}}, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{6, 7, 8, 9, 10}));
  out.clear();
  EXPECT_EQ(ring.collectSince({{"a", 1}}, out), Resume::Replay) << "a2 is the oldest kept";
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{3, 5, 7, 9}));
  out.clear();
  EXPECT_EQ(ring.collectSince({{"a", 5}, {"b", 5}}, out), Resume::Replay);
  EXPECT_TRUE(out.empty()) << "current on both";
  EXPECT_EQ(ring.collectSince({{"c", 0}}, out), Resume::Replay) << "a query with no diffs yet";
  EXPECT_TRUE(out.empty());
}

TEST(SseReplayRingTest, SinceTooOldOrAheadReplaysNothing) {
  SseReplayRing ring(8);
  for (uint64_t i = 1; i <= 10; ++i) {
    ring.push(diff(i, i % 2 ? "a" : "b", (i + 1) / 2));
  }
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectSince({{"b", 4}, {"a", 0}}, out), Resume::TooOld) << "a1 was dropped";
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ring.collectSince({{"b", 3}, {"a", 6}}, out), Resume::Ahead);
  EXPECT_EQ(ring.collectSince({{"c", 1}}, out), Resume::Ahead);
  EXPECT_TRUE(out.empty());

  SseReplayRing small(2);
  for (uint64_t i = 1; i <= 10; ++i) {
    small.push(diff(i, i <= 5 ? "a" : "b", i <= 5 ? i : i - 5));
  }
  EXPECT_EQ(small.collectSince({{"a", 4}}, out), Resume::TooOld)
      << "a5 is older than the log, though nothing of `a` is in it";
  EXPECT_EQ(small.collectSince({{"a", 5}}, out), Resume::Replay);
  EXPECT_TRUE(out.empty());
}

TEST(SseReplayRingTest, ClearForgetsEveryFrameAndEveryQuery) {
  SseReplayRing ring(8);
  for (uint64_t i = 1; i <= 4; ++i) {
    ring.push(diff(i, "a", i));
  }
  ring.clear();
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.bytes(), 0u);
  EXPECT_EQ(ring.lastSequence(), 0u);
  std::vector<core::FrameConstSharedPtr> out;
  EXPECT_EQ(ring.collectSince({{"a", 2}}, out), Resume::Ahead) << "nothing is known of `a`";
  // Refilled from a later point (an edge's feed starting again), it replays from there on.
  for (uint64_t i = 5; i <= 7; ++i) {
    ring.push(diff(i, "a", i + 10));
  }
  EXPECT_EQ(ring.collectSince({{"a", 15}}, out), Resume::Replay);
  EXPECT_EQ(sequences(out), (std::vector<uint64_t>{6, 7}));
  out.clear();
  EXPECT_EQ(ring.collectSince({{"a", 3}}, out), Resume::TooOld);
}

}  // namespace
}  // namespace livedash::server
