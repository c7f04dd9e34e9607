// tests/unit/server/latency_histogram_test.cpp
//
// The server's own latency buckets, and the SSE stream timing commit-to-socket once per frame on
// each IO thread, not once per subscriber.
#include "server/latency_histogram.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "server/http_server.hpp"
#include "unit/server/local_options.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

uint64_t total(const LatencyHistogram::Snapshot& s) {
  uint64_t n = 0;
  for (uint64_t c : s.counts)
    n += c;
  return n;
}

TEST(LatencyHistogramTest, ValuesLandInTheirBuckets) {
  LatencyHistogram h;
  h.observe(-3);     // a source clock ahead of ours: 0
  h.observe(1);      // le 1
  h.observe(2);      // le 2
  h.observe(7);      // le 10
  h.observe(99999);  // +Inf
  LatencyHistogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.counts[0], 2u);
  EXPECT_EQ(s.counts[1], 1u);
  EXPECT_EQ(s.counts[3], 1u);
  EXPECT_EQ(s.counts.back(), 1u);
  EXPECT_EQ(total(s), 5u);
  EXPECT_EQ(s.sum_ms, 1 + 2 + 7 + 99999);
}

TEST(LatencyHistogramTest, SseStreamTimesEachFrameOncePerIoThread) {
  HttpServer server(test::localOptions(1));
  SseStreamOptions events;
  events.heartbeat_interval_ms = 0;
  SseStreamSharedPtr stream = server.addSseStream(events);
  server.start();
  test::TestClient a(server.port());
  test::TestClient b(server.port());
  for (test::TestClient* c : {&a, &b}) {
    c->send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c->readHead().status, 200);
  }
  ASSERT_TRUE(test::waitFor([&] { return stream->clientCount() == 2; }));
  const int64_t now = core::SystemClock().nowMs();
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    auto frame = std::make_shared<core::Frame>();
    frame->sequence = seq;
    frame->commit_time_ms = now - 20;  // committed 20 ms ago
    frame->bytes = "id: " + std::to_string(seq) + "\ndata: {}\n\n";
    stream->publish(frame);
    // Both sessions write it; only the first write is timed.
    ASSERT_TRUE(test::waitFor([&] { return total(stream->writeLatency()) == seq; }));
  }
  EXPECT_FALSE(test::waitFor([&] { return total(stream->writeLatency()) > 3; },
                             std::chrono::milliseconds(50)));
  LatencyHistogram::Snapshot s = stream->writeLatency();
  EXPECT_GE(s.sum_ms, 3 * 20);
  EXPECT_EQ(s.counts[0] + s.counts[1] + s.counts[2] + s.counts[3], 0u) << "none under 20 ms";
}

}  // namespace
}  // namespace livedash::server
