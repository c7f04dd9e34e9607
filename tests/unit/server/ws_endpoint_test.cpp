// tests/unit/server/ws_endpoint_test.cpp
//
// The WebSocket endpoint over real sockets, with a fake backend that the test answers by hand
// (the test thread plays the engine thread): handshake, subscribe/accept/publish ordering,
// unsubscribe, ping and pong, protocol errors and their close codes, and slow clients.
#include "server/ws_endpoint.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "server/http_server.hpp"
#include "server/ws_protocol.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::server {
namespace {

using test::WsMessage;
using test::WsTestClient;

class FakeBackend final : public WsBackend {
 public:
  void subscribe(WsSubscribeRequest request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
  }

  //! Waits for the next subscribe request.
  WsSubscribeRequest take() {
    WsSubscribeRequest out;
    EXPECT_TRUE(test::waitFor([&] {
      std::lock_guard lock(mutex_);
      if (requests_.empty()) {
        return false;
      }
      out = requests_.front();
      requests_.erase(requests_.begin());
      return true;
    }));
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<WsSubscribeRequest> requests_;
};

core::FrameConstSharedPtr frame(std::string channel, uint64_t sequence, std::string bytes) {
  auto f = std::make_shared<core::Frame>();
  f->channel = std::move(channel);
  f->sequence = sequence;
  f->bytes = std::move(bytes);
  return f;
}

//! A lease that counts how many are held.
WsLease countedLease(const std::shared_ptr<std::atomic<int>>& held) {
  held->fetch_add(1);
  return WsLease(held.get(), [held](void*) { held->fetch_sub(1); });
}

class WsEndpointTest : public ::testing::Test {
 protected:
  void start(WsOptions ws = {}) {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 2;
    server = std::make_unique<HttpServer>(options);
    server->addRoute("GET", "/ok", [](const HttpRequest&) { return HttpResponse::json(200, "1"); });
    endpoint = server->addWebSocket(std::move(ws), backend);
    server->start();
  }

  //! Subscribes `client` to `query` live and accepts it with `preamble` at `last_sequence`.
  WsSubscribeRequest subscribeAndAccept(WsTestClient& client, const std::string& query,
                                        uint64_t last_sequence) {
    client.sendText(test::subscribeMessage(query));
    WsSubscribeRequest request = backend.take();
    endpoint->accept(
        request.subscriber, wsChannel(query, WsPeriod::Live),
        {frame("", 0, R"({"op":"snapshot","sequence":)" + std::to_string(last_sequence) + "}")},
        last_sequence, countedLease(leases));
    EXPECT_EQ(client.nextJson().asMap().at("op"), core::Value("snapshot"));
    return request;
  }

  //! A ping round trip: everything sent to `client` before it has arrived once it returns.
  void sync(WsTestClient& client) {
    client.sendText(R"({"op":"ping"})");
    EXPECT_EQ(core::toJson(client.nextJson()), R"({"op":"pong"})");
  }

  FakeBackend backend;
  std::shared_ptr<std::atomic<int>> leases = std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<HttpServer> server;
  WsEndpointSharedPtr endpoint;
};

TEST_F(WsEndpointTest, HandshakeOnTheMainPortBesideRest) {
  start();
  WsTestClient client(server->port());
  EXPECT_EQ(client.handshake().status, 101);
  EXPECT_EQ(client.handshake().header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 1; }));
  test::TestClient rest(server->port());
  EXPECT_EQ(rest.request("GET", "/ok").body, "1");
}

TEST_F(WsEndpointTest, PlainGetOnTheWebSocketPathIsA400) {
  start();
  test::TestClient rest(server->port());
  test::Reply reply = rest.request("GET", "/ws");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, core::errorJson(core::ErrorCode::BadRequest,
                                        "/ws is a WebSocket endpoint: send an upgrade request"));
}

TEST_F(WsEndpointTest, PingOpAndPingFrameAreAnswered) {
  start();
  WsTestClient client(server->port());
  sync(client);
  client.sendFrame(test::kPing, "hello");
  WsMessage pong = client.next();
  EXPECT_EQ(pong.opcode, test::kPong);
  EXPECT_EQ(pong.payload, "hello");
}

TEST_F(WsEndpointTest, SubscribeCarriesQueryPeriodAndSince) {
  start();
  WsTestClient client(server->port());
  client.sendText(R"({"op":"subscribe","query":"orders","period":"minute","since":41})");
  WsSubscribeRequest request = backend.take();
  EXPECT_EQ(request.query, "orders");
  EXPECT_EQ(request.period, WsPeriod::Minute);
  EXPECT_EQ(request.since, std::optional<uint64_t>(41));
  client.sendText(test::subscribeMessage("stats"));
  request = backend.take();
  EXPECT_EQ(request.period, WsPeriod::Live) << "period defaults to live";
  EXPECT_FALSE(request.since);
}

TEST_F(WsEndpointTest, PreambleThenOnlyLaterFramesInOrder) {
  start();
  WsTestClient client(server->port());
  subscribeAndAccept(client, "stats", 5);
  const std::string channel = wsChannel("stats", WsPeriod::Live);
  for (uint64_t seq = 4; seq <= 8; ++seq) {
    endpoint->publish(
        frame(channel, seq, R"({"op":"diff","sequence":)" + std::to_string(seq) + "}"));
  }
  endpoint->publish(frame(wsChannel("other", WsPeriod::Live), 9, R"({"op":"diff"})"));
  EXPECT_EQ(client.nextJson().asMap().at("sequence"), core::Value(6));
  EXPECT_EQ(client.nextJson().asMap().at("sequence"), core::Value(7));
  EXPECT_EQ(client.nextJson().asMap().at("sequence"), core::Value(8));
  sync(client);  // nothing from the channel it did not subscribe to
  EXPECT_EQ(leases->load(), 1);
}

TEST_F(WsEndpointTest, UnsubscribeStopsFramesAndReleasesTheLease) {
  start();
  WsTestClient client(server->port());
  subscribeAndAccept(client, "stats", 1);
  client.sendText(R"({"op":"unsubscribe","query":"stats"})");
  sync(client);
  EXPECT_EQ(leases->load(), 0);
  endpoint->publish(frame(wsChannel("stats", WsPeriod::Live), 2, R"({"op":"diff"})"));
  sync(client);
  client.sendText(R"({"op":"unsubscribe","query":"stats"})");
  core::Value error = client.nextJson();
  EXPECT_EQ(error.asMap().at("op"), core::Value("error"));
  EXPECT_EQ(error.asMap().at("code"), core::Value("not_found"));
}

TEST_F(WsEndpointTest, AcceptAfterUnsubscribeOrDisconnectDropsTheLease) {
  start();
  WsTestClient client(server->port());
  client.sendText(test::subscribeMessage("stats"));
  WsSubscribeRequest request = backend.take();
  client.sendText(R"({"op":"unsubscribe","query":"stats"})");
  sync(client);
  endpoint->accept(request.subscriber, wsChannel("stats", WsPeriod::Live), {}, 0,
                   countedLease(leases));
  EXPECT_TRUE(test::waitFor([&] { return leases->load() == 0; }));

  client.sendText(test::subscribeMessage("stats"));
  request = backend.take();
  client.socket().close();
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 0; }));
  endpoint->accept(request.subscriber, wsChannel("stats", WsPeriod::Live), {}, 0,
                   countedLease(leases));
  EXPECT_TRUE(test::waitFor([&] { return leases->load() == 0; }));
}

TEST_F(WsEndpointTest, RejectSendsAnErrorAndTheConnectionGoesOn) {
  start();
  WsTestClient client(server->port());
  client.sendText(test::subscribeMessage("nope"));
  WsSubscribeRequest request = backend.take();
  endpoint->reject(request.subscriber, wsChannel("nope", WsPeriod::Live),
                   frame("", 0,
                         wsErrorMessage("nope", WsPeriod::Live, core::ErrorCode::QueryNotFound,
                                        "no query `nope`")));
  core::Value error = client.nextJson();
  EXPECT_EQ(error.asMap().at("code"), core::Value("query_not_found"));
  EXPECT_EQ(error.asMap().at("query"), core::Value("nope"));
  sync(client);
  client.sendText(test::subscribeMessage("nope"));
  EXPECT_EQ(backend.take().query, "nope") << "a rejected subscribe can be retried";
}

TEST_F(WsEndpointTest, RecoverableMistakesGetErrorMessages) {
  start();
  WsTestClient client(server->port());
  client.sendText(R"({"op":"subscribe","query":"stats","period":"week"})");
  EXPECT_EQ(client.nextJson().asMap().at("code"), core::Value("bad_request"));
  subscribeAndAccept(client, "stats", 1);
  client.sendText(test::subscribeMessage("stats"));
  EXPECT_EQ(client.nextJson().asMap().at("code"), core::Value("conflict"));
  sync(client);
}

struct CloseCase {
  const char* name;
  uint8_t opcode;
  std::string payload;
  uint16_t code;
  const char* reason_code;
};

void PrintTo(const CloseCase& c, std::ostream* out) {
  *out << c.name;
}

class WsProtocolErrorTest : public WsEndpointTest,
                            public ::testing::WithParamInterface<CloseCase> {};

TEST_P(WsProtocolErrorTest, ClosesWithCodeAndJsonReason) {
  WsOptions options;
  options.max_message_bytes = 1024;
  start(options);
  WsTestClient client(server->port());
  sync(client);
  client.sendFrame(GetParam().opcode, GetParam().payload);
  WsMessage close = client.nextClose();
  EXPECT_EQ(close.close_code, GetParam().code);
  core::Value reason = core::parseJson(close.close_reason);
  EXPECT_EQ(reason.asMap().at("code"), core::Value(GetParam().reason_code)) << close.close_reason;
  EXPECT_TRUE(reason.asMap().at("message").isString());
  EXPECT_TRUE(client.socket().waitClosed()) << "the server ends the TCP connection first";
  client.socket().close();
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 0; }));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WsProtocolErrorTest,
    ::testing::Values(
        CloseCase{"BadJson", test::kText, "{nope", 1007, "invalid_json"},
        CloseCase{"NotAnObject", test::kText, "[1]", 1008, "bad_message"},
        CloseCase{"UnknownOp", test::kText, R"({"op":"dance"})", 1008, "bad_message"},
        CloseCase{"NoQuery", test::kText, R"({"op":"subscribe"})", 1008, "bad_message"},
        CloseCase{"BadSince", test::kText, R"({"op":"subscribe","query":"q","since":-1})", 1008,
                  "bad_message"},
        CloseCase{"Binary", test::kBinary, R"({"op":"ping"})", 1003, "binary_frame"},
        CloseCase{"TooBig", test::kText, std::string(3000, ' '), 1009, "message_too_big"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WsCloseReasonTest, StaysWithinACloseFrameAndValidJson) {
  std::string long_message(300, 'x');
  long_message += "\xC3\xA9";
  std::string reason = wsCloseReason("invalid_json", long_message);
  EXPECT_LE(reason.size(), 123u);
  EXPECT_TRUE(core::parseJson(reason).isMap());
  std::string accented(200, 'a');
  for (int i = 0; i < 40; ++i) {
    accented += "\xC3\xA9";
  }
  EXPECT_TRUE(core::parseJson(wsCloseReason("x", accented.substr(150))).isMap());
}

TEST_F(WsEndpointTest, SlowClientIsClosedWithMustRefetchWhileOthersStayCurrent) {
  WsOptions options;
  options.max_queued_frames = 64;
  options.overflow_grace_ms = 200;
  start(options);
  WsTestClient slow(server->port(), "/ws", 4096);
  WsTestClient fast(server->port());
  subscribeAndAccept(slow, "stats", 0);
  subscribeAndAccept(fast, "stats", 0);

  constexpr uint64_t kFrames = 2000;
  std::atomic<uint64_t> fast_seen{0};
  std::atomic<bool> fast_ok{true};
  std::thread reader([&] {
    for (uint64_t expected = 1; expected <= kFrames; ++expected) {
      core::Value m = fast.nextJson();
      if (m.asMap().at("sequence") != core::Value(static_cast<int64_t>(expected))) {
        fast_ok = false;
        return;
      }
      fast_seen = expected;
    }
  });
  const std::string padding(8000, 'x');
  const std::string channel = wsChannel("stats", WsPeriod::Live);
  for (uint64_t seq = 1; seq <= kFrames; ++seq) {
    // The fast client keeps up: never more than a few frames ahead of what it has read.
    while (fast_ok && seq > fast_seen + 16) {
      std::this_thread::yield();
    }
    endpoint->publish(frame(
        channel, seq, R"({"sequence":)" + std::to_string(seq) + R"(,"pad":")" + padding + "\"}"));
  }
  reader.join();
  EXPECT_TRUE(fast_ok);
  EXPECT_EQ(fast_seen.load(), kFrames);
  EXPECT_TRUE(test::waitFor([&] { return endpoint->droppedClients() == 1; }));
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 1; }));
  EXPECT_EQ(leases->load(), 1) << "the slow client's subscription ended with it";
  EXPECT_TRUE(slow.socket().waitClosed());
  sync(fast);
}

TEST_F(WsEndpointTest, FramesQueuedBehindAStalledWriteStaySeparateAndPingsDoNotInterleave) {
  start();
  WsTestClient client(server->port(), "/ws", 4096);
  subscribeAndAccept(client, "stats", 0);
  // 16 MB against a small receive buffer, more than the kernel buffers on loopback: the
  // server's write stalls part-way, and the pong must wait for it rather than cut into a frame.
  constexpr uint64_t kFrames = 1000;
  const std::string padding(16000, 'x');
  const std::string channel = wsChannel("stats", WsPeriod::Live);
  for (uint64_t seq = 1; seq <= kFrames; ++seq) {
    endpoint->publish(frame(
        channel, seq, R"({"sequence":)" + std::to_string(seq) + R"(,"pad":")" + padding + "\"}"));
  }
  // Passes however late the ping lands; the pause makes it land mid-write, where a pong
  // written beside the queue would cut into a frame.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  client.sendFrame(test::kPing, "mid-burst");
  uint64_t expected = 1;
  int pongs = 0;
  while (expected <= kFrames || pongs == 0) {
    WsMessage m = client.next();
    if (m.opcode == test::kPong) {
      EXPECT_EQ(m.payload, "mid-burst");
      ++pongs;
      continue;
    }
    ASSERT_EQ(m.opcode, test::kText);
    core::Value value = core::parseJson(m.payload);  // one frame, one whole message
    ASSERT_EQ(value.asMap().at("sequence"), core::Value(static_cast<int64_t>(expected)));
    ++expected;
  }
  EXPECT_EQ(pongs, 1);
  sync(client);
}

TEST_F(WsEndpointTest, SilentClientIsPingedThenCutOffWhileAnAnsweringOneStays) {
  WsOptions options;
  options.idle_timeout_seconds = 1;
  start(options);
  WsTestClient silent(server->port());
  WsTestClient answering(server->port());
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 2; }));
  const auto begin = std::chrono::steady_clock::now();
  WsMessage ping = silent.next();
  EXPECT_EQ(ping.opcode, test::kPing);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(450))
      << "pinged after half the idle timeout, not sooner";
  for (int i = 0; i < 3; ++i) {  // 1.5 s: past the idle timeout, kept alive by the answers
    EXPECT_EQ(answering.next().opcode, test::kPing);
    answering.sendFrame(test::kPong, "");
  }
  EXPECT_TRUE(silent.socket().waitClosed()) << "closed once silent for the whole timeout";
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(950));
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 1; }));
  sync(answering);
}

TEST_F(WsEndpointTest, ClientCloseIsAnsweredWithItsCodeThenTheServerEndsTheConnection) {
  start();
  WsTestClient client(server->port());
  subscribeAndAccept(client, "stats", 0);
  client.sendFrame(test::kClose, std::string("\x03\xE8", 2) + "bye");
  WsMessage close = client.next();
  EXPECT_EQ(close.opcode, test::kClose);
  EXPECT_EQ(close.close_code, 1000);
  EXPECT_TRUE(client.socket().waitClosed());
  EXPECT_TRUE(test::waitFor([&] { return endpoint->clientCount() == 0; }));
  EXPECT_TRUE(test::waitFor([&] { return leases->load() == 0; }));
}

TEST_F(WsEndpointTest, FragmentedMessageWithAPingBetweenItsFramesIsOneMessage) {
  start();
  WsTestClient client(server->port());
  const std::string message = R"({"op":"subscribe","query":"split"})";
  client.sendFrame(test::kText, message.substr(0, 10), false);
  client.sendFrame(test::kPing, "between");
  client.sendFrame(test::kContinuation, message.substr(10, 10), false);
  client.sendFrame(test::kContinuation, message.substr(20), true);
  WsMessage pong = client.next();
  EXPECT_EQ(pong.opcode, test::kPong);
  EXPECT_EQ(pong.payload, "between");
  EXPECT_EQ(backend.take().query, "split");
}

struct BareCloseCase {
  const char* name;
  std::string frame;  //!< raw bytes on the wire
  uint16_t code;
};

void PrintTo(const BareCloseCase& c, std::ostream* out) {
  *out << c.name;
}

class WsFramingErrorTest : public WsEndpointTest,
                           public ::testing::WithParamInterface<BareCloseCase> {};

//! Framing errors close with the code and no reason, as docs/websocket.md says.
TEST_P(WsFramingErrorTest, ClosesWithCodeAndNoReason) {
  WsOptions options;
  options.max_message_bytes = 1024;
  start(options);
  WsTestClient client(server->port());
  sync(client);
  client.socket().send(GetParam().frame);
  WsMessage close = client.nextClose();
  EXPECT_EQ(close.close_code, GetParam().code);
  EXPECT_EQ(close.close_reason, "");
  EXPECT_TRUE(client.socket().waitClosed());
}

//! A masked client frame (mask 0: the payload goes as it is).
std::string maskedFrame(uint8_t first_byte, std::string_view payload) {
  std::string out;
  out += static_cast<char>(first_byte);
  out += static_cast<char>(0x80 | payload.size());
  out += std::string(4, '\0');
  out += payload;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WsFramingErrorTest,
    ::testing::Values(BareCloseCase{"InvalidUtf8", maskedFrame(0x81, "{\"op\":\"\xC3\x28\"}"),
                                    1007},
                      BareCloseCase{"Unmasked", std::string("\x81\x02{}", 4), 1002},
                      BareCloseCase{"ContinuationFirst", maskedFrame(0x80, "{}"), 1002},
                      BareCloseCase{"ReservedBit", maskedFrame(0xC1, "{}"), 1002},
                      // declares 5000 bytes, past four times the 1024-byte limit
                      BareCloseCase{"HugeFrame", std::string("\x81\xFE\x13\x88\0\0\0\0", 8), 1009}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace livedash::server
