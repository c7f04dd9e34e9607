// tests/unit/server/sse_stream_test.cpp
//
// SSE streams over real sockets: fan-out, heartbeats, Last-Event-ID resume (a sequence or a list
// of query positions), must-refetch, slow subscribers, client counts, the on_subscribe hook and
// shutdown.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/http_server.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server {
namespace {

using test::SseEvent;
using test::TestClient;
using test::waitFor;

core::FrameConstSharedPtr frame(uint64_t sequence, size_t padding = 0) {
  auto f = std::make_shared<core::Frame>();
  f->channel = "/events";
  f->sequence = sequence;
  f->bytes = "id: " + std::to_string(sequence) +
             "\ndata: {\"sequence\":" + std::to_string(sequence) + ",\"pad\":\"" +
             std::string(padding, 'x') + "\"}\n\n";
  return f;
}

//! A diff of `query` at `query_sequence` whose id lists each query's position, as on an edge.
core::FrameConstSharedPtr queryFrame(uint64_t sequence, const std::string& query,
                                     uint64_t query_sequence, const std::string& id) {
  auto f = std::make_shared<core::Frame>();
  f->channel = "/events";
  f->sequence = sequence;
  f->query = query;
  f->query_sequence = query_sequence;
  f->bytes = "id: " + id + "\ndata: {}\n\n";
  return f;
}

class SseStreamTest : public ::testing::Test {
 protected:
  void startServer(SseStreamOptions sse = {}, int io_threads = 2) {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = io_threads;
    options.cors_origins = {"http://page.test"};
    server_ = std::make_unique<HttpServer>(options);
    stream_ = server_->addSseStream(std::move(sse));
    server_->start();
  }

  //! Connects, sends the GET and checks the response head and the retry line.
  std::unique_ptr<TestClient> subscribe(const std::string& extra_headers = {},
                                        const std::string& target = "/events",
                                        int receive_buffer = 0) {
    auto client = std::make_unique<TestClient>(server_->port(), receive_buffer);
    client->send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n" +
                 extra_headers + "\r\n");
    test::Reply head = client->readHead();
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-type"), "text/event-stream");
    EXPECT_EQ(head.header("cache-control"), "no-cache");
    EXPECT_EQ(head.header("x-accel-buffering"), "no");
    EXPECT_FALSE(client->nextEvent().retry.empty());
    return client;
  }

  void waitForClients(size_t count) {
    ASSERT_TRUE(waitFor([&] { return stream_->clientCount() == count; }))
        << "clientCount() = " << stream_->clientCount() << ", expected " << count;
  }

  //! Reads events and expects ids first..last, in order, with nothing in between.
  static void expectIds(TestClient& client, uint64_t first, uint64_t last) {
    for (uint64_t id = first; id <= last; ++id) {
      SseEvent event = client.nextEvent();
      ASSERT_EQ(event.id, std::to_string(id)) << "data: " << event.data;
    }
  }

  std::unique_ptr<HttpServer> server_;
  SseStreamSharedPtr stream_;
};

TEST_F(SseStreamTest, TwoClientsGetRetryThenFramesInOrder) {
  SseStreamOptions options;
  options.retry_ms = 1500;
  startServer(options);
  TestClient a(server_->port());
  a.send("GET /events HTTP/1.1\r\nHost: x\r\nOrigin: http://page.test\r\n\r\n");
  test::Reply head = a.readHead();
  EXPECT_EQ(head.header("access-control-allow-origin"), "http://page.test");
  EXPECT_EQ(head.header("connection"), "keep-alive");
  EXPECT_EQ(a.nextEvent().retry, "1500");
  auto b = subscribe();
  waitForClients(2);
  for (uint64_t i = 1; i <= 200; ++i) {
    stream_->publish(frame(i));
  }
  expectIds(a, 1, 200);
  expectIds(*b, 1, 200);
}

TEST_F(SseStreamTest, HeartbeatIsAComment) {
  SseStreamOptions options;
  options.heartbeat_interval_ms = 20;
  startServer(options);
  auto client = subscribe();
  SseEvent event = client->nextEvent();
  EXPECT_EQ(event.comment.rfind("heartbeat ", 0), 0u) << event.comment;
  EXPECT_GT(std::stoll(event.comment.substr(10)), 1600000000000);
  EXPECT_TRUE(event.id.empty());
}

TEST_F(SseStreamTest, LastEventIdReplaysExactlyTheMissingFrames) {
  startServer();
  for (uint64_t i = 1; i <= 10; ++i) {
    stream_->publish(frame(i));
  }
  auto by_header = subscribe("Last-Event-ID: 6\r\n");
  auto by_query = subscribe({}, "/events?lastEventId=8");
  auto fresh = subscribe();
  waitForClients(3);
  stream_->publish(frame(11));
  expectIds(*by_header, 7, 11);
  expectIds(*by_query, 9, 11);
  expectIds(*fresh, 11, 11);
}

TEST_F(SseStreamTest, MustRefetchPastRetentionOrAheadThenLive) {
  SseStreamOptions options;
  options.replay_frames = 4;
  startServer(options);
  for (uint64_t i = 1; i <= 10; ++i) {
    stream_->publish(frame(i));
  }
  auto too_old = subscribe("Last-Event-ID: 5\r\n");  // 6 was dropped: the ring holds 7..10
  auto oldest_kept = subscribe("Last-Event-ID: 6\r\n");
  auto ahead = subscribe("Last-Event-ID: 99\r\n");
  auto garbage = subscribe("Last-Event-ID: abc\r\n");
  waitForClients(4);
  stream_->publish(frame(11));
  for (TestClient* client : {too_old.get(), ahead.get(), garbage.get()}) {
    SseEvent refetch = client->nextEvent();
    EXPECT_TRUE(refetch.id.empty());
    EXPECT_EQ(refetch.data.rfind(R"({"type":"must-refetch","reason":")", 0), 0u) << refetch.data;
    expectIds(*client, 11, 11);
  }
  expectIds(*oldest_kept, 7, 11);
}

TEST_F(SseStreamTest, ResumeWhilePublishingHasNoGapAndNoDuplicate) {
  constexpr uint64_t kFrames = 3000;
  SseStreamOptions options;
  options.max_queued_frames = kFrames;  // the clients read only once everything is published
  startServer(options);
  std::atomic<bool> go{false};
  std::thread publisher([&] {
    while (!go) {
    }
    for (uint64_t i = 1; i <= kFrames; ++i) {
      stream_->publish(frame(i));
    }
  });
  std::vector<std::unique_ptr<TestClient>> clients;
  clients.push_back(subscribe("Last-Event-ID: 0\r\n"));
  go = true;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(subscribe("Last-Event-ID: 0\r\n"));
  }
  publisher.join();
  for (auto& client : clients) {
    expectIds(*client, 1, kFrames);
  }
}

TEST_F(SseStreamTest, StalledClientIsDroppedWhileOthersGetEverything) {
  SseStreamOptions options;
  options.max_queued_frames = 8;
  options.overflow_grace_ms = 20;
  startServer(options);
  auto stalled = subscribe({}, "/events", 4096);  // never reads after this
  auto reader = subscribe();
  waitForClients(2);
  uint64_t sent = 0;
  // Each frame is read by `reader` before the next is published, so only the stalled client
  // falls behind; once its socket buffers fill, its queue overflows.
  while (stream_->clientCount() == 2 && sent < 5000) {
    stream_->publish(frame(++sent, 16 * 1024));
    expectIds(*reader, sent, sent);
  }
  ASSERT_EQ(stream_->clientCount(), 1u) << "the stalled client was never dropped";
  for (int i = 0; i < 10; ++i) {
    stream_->publish(frame(++sent, 16 * 1024));
    expectIds(*reader, sent, sent);
  }
  EXPECT_TRUE(stalled->waitClosed());
}

TEST_F(SseStreamTest, LaggingClientThatRecoversGetsMustRefetchThenClose) {
  SseStreamOptions options;
  options.max_queued_frames = 8;
  options.replay_frames = 16;
  options.overflow_grace_ms = 10000;  // long enough for the client to drain its socket
  startServer(options);
  auto client = subscribe({}, "/events", 4096);
  waitForClients(1);
  // Far more than the socket buffers hold (the kernel caps them at a few MiB), so the session's
  // queue overflows while the client is not reading.
  constexpr uint64_t kFrames = 600;
  for (uint64_t i = 1; i <= kFrames; ++i) {
    stream_->publish(frame(i, 32 * 1024));
  }
  uint64_t expected = 1;
  SseEvent event = client->nextEvent();
  while (!event.id.empty()) {
    ASSERT_EQ(event.id, std::to_string(expected));
    ++expected;
    event = client->nextEvent();
  }
  EXPECT_LT(expected, kFrames);
  EXPECT_EQ(event.data, R"({"type":"must-refetch","reason":"subscriber fell too far behind"})");
  EXPECT_TRUE(client->waitClosed());
  waitForClients(0);
}

TEST_F(SseStreamTest, ClientCountFollowsConnections) {
  startServer();
  EXPECT_EQ(stream_->clientCount(), 0u);
  auto a = subscribe();
  auto b = subscribe();
  waitForClients(2);
  a->close();
  waitForClients(1);
  b->close();
  waitForClients(0);
}

TEST_F(SseStreamTest, OnlyGetIsAllowedOnAStream) {
  startServer();
  TestClient client(server_->port());
  test::Reply reply = client.request("POST", "/events");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("allow"), "GET, OPTIONS");
}

TEST_F(SseStreamTest, StopWithConnectedClientsIsClean) {
  SseStreamOptions options;
  options.heartbeat_interval_ms = 5;
  startServer(options, 3);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(subscribe());
  }
  waitForClients(6);
  std::atomic<bool> stop_publishing{false};
  std::thread publisher([&] {
    for (uint64_t i = 1; !stop_publishing; ++i) {
      stream_->publish(frame(i));
    }
  });
  server_->stop();
  EXPECT_EQ(stream_->clientCount(), 0u);
  for (auto& client : clients) {
    EXPECT_TRUE(client->waitClosed());
  }
  stop_publishing = true;
  publisher.join();
  server_->stop();
  server_.reset();
  stream_->publish(frame(1'000'000));  // the stream outlives the server harmlessly
}

TEST_F(SseStreamTest, ALastEventIdListingQueriesResumesEachQueryAfterItsSequence) {
  startServer();
  stream_->publish(queryFrame(1, "a", 1, "a:1"));
  stream_->publish(queryFrame(2, "b", 1, "a:1,b:1"));
  stream_->publish(queryFrame(3, "a", 2, "a:2,b:1"));
  stream_->publish(queryFrame(4, "b", 2, "a:2,b:2"));
  auto client = subscribe("Last-Event-ID: a:2,b:1\r\n");
  EXPECT_EQ(client->nextEvent().id, "a:2,b:2");
  auto ahead = subscribe("Last-Event-ID: a:9,b:1\r\n");
  EXPECT_EQ(ahead->nextEvent().data.rfind(R"({"type":"must-refetch")", 0), 0u);
}

TEST_F(SseStreamTest, OnSubscribeSeesTheResumePointAndIsHeldWhileTheClientStays) {
  std::atomic<int> held{0};
  std::string last_event_id;  // written on the IO thread before the client reads anything
  SseStreamOptions options;
  options.on_subscribe = [&](const SseResumePoint& resume) {
    last_event_id = resume.last_event_id.value_or("");
    ++held;
    return std::shared_ptr<void>(nullptr, [&](void*) { --held; });
  };
  startServer(options, 1);
  for (uint64_t i = 1; i <= 5; ++i) {
    stream_->publish(frame(i));
  }
  auto client = subscribe("Last-Event-ID: 3\r\n");
  expectIds(*client, 4, 5);
  EXPECT_EQ(last_event_id, "3");
  EXPECT_EQ(held.load(), 1);
  client.reset();
  EXPECT_TRUE(waitFor([&] { return held.load() == 0; }));

  // A feed that starts again after a gap empties the log: an old id gets must-refetch.
  stream_->resetReplay();
  auto after_reset = subscribe("Last-Event-ID: 3\r\n");
  EXPECT_EQ(after_reset->nextEvent().data.rfind(R"({"type":"must-refetch")", 0), 0u);
}

}  // namespace
}  // namespace livedash::server
