// tests/unit/server/frame_queue_test.cpp
#include "server/frame_queue.hpp"

#include <gtest/gtest.h>

namespace livedash::server {
namespace {

core::FrameConstSharedPtr frame(uint64_t sequence) {
  auto f = std::make_shared<core::Frame>();
  f->sequence = sequence;
  return f;
}

TEST(FrameQueueTest, FirstInFirstOut) {
  FrameQueue q;
  EXPECT_TRUE(q.empty());
  for (uint64_t i = 1; i <= 3; ++i) {
    q.push(frame(i));
  }
  EXPECT_EQ(q.size(), 3u);
  for (uint64_t i = 1; i <= 3; ++i) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.front()->sequence, i);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

TEST(FrameQueueTest, KeepsOrderWhileItNeverDrains) {
  // Push two, pop one, for long enough that the front is compacted away several times.
  FrameQueue q;
  uint64_t pushed = 0;
  uint64_t expected = 1;
  for (int round = 0; round < 1000; ++round) {
    q.push(frame(++pushed));
    q.push(frame(++pushed));
    ASSERT_EQ(q.front()->sequence, expected);
    q.pop();
    ++expected;
  }
  EXPECT_EQ(q.size(), 1000u);
  while (!q.empty()) {
    ASSERT_EQ(q.front()->sequence, expected++);
    q.pop();
  }
  EXPECT_EQ(expected, pushed + 1);
}

TEST(FrameQueueTest, TruncateKeepsTheFront) {
  FrameQueue q;
  for (uint64_t i = 1; i <= 5; ++i) {
    q.push(frame(i));
  }
  q.pop();
  q.truncate(1);  // the frame in flight stays
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.front()->sequence, 2u);
  q.push(frame(9));
  q.pop();
  EXPECT_EQ(q.front()->sequence, 9u);
  q.truncate(0);
  EXPECT_TRUE(q.empty());
}

TEST(FrameQueueTest, ReleasesTheFramesItPops) {
  FrameQueue q;
  auto f = frame(1);
  q.push(f);
  q.push(frame(2));
  EXPECT_EQ(f.use_count(), 2);
  q.pop();
  EXPECT_EQ(f.use_count(), 1);
}

}  // namespace
}  // namespace livedash::server
