// tests/unit/app/ws_feed_test.cpp
//
// The WebSocket endpoint wired to the engine, over real sockets: snapshot then diffs, `since`
// resume and its limits, subscribes racing writes, period values on a stepped clock, and the
// cost of queries and periods nobody watches.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/app/app_fixture.hpp"
#include "unit/app/shop_writes.hpp"
#include "unit/app/ws_client_view.hpp"
#include "unit/server/test_client.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::app {
namespace {

using server::test::subscribeMessage;
using server::test::WsTestClient;
using test::ClientView;
using test::integer;
using test::op;

//! 2027-01-15T08:00:00Z, a whole hour; the tests start 30 s into it.
constexpr int64_t kHour = 1'800'000'000'000;
static_assert(kHour % 3'600'000 == 0);

class WsFeedTest : public ::testing::Test {
 protected:
  void SetUp() override { app = test::startTestApp("ws_shop.yaml", clock, 2); }
  void TearDown() override { app->stop(); }

  void write(const std::string& sql) { app->embeddedSource("shop")->executeSql(sql); }

  core::Value results(const std::string& query) { return test::queryResults(*app, query); }

  //! Once it returns, whatever was due on the engine thread has fired and been posted: the
  //! second call runs after the first, and due work fires between tasks.
  void syncEngine() {
    app->engine().call([](engine::Engine&) { return 0; });
    app->engine().call([](engine::Engine&) { return 0; });
  }

  //! A ping round trip: the messages that arrive before the pong.
  std::vector<core::Value> drain(WsTestClient& client) { return drainUntilPong(client); }

  //! The one value a period boundary sends. It is awaited rather than drained: a value the
  //! engine published before a ping may still reach the client after that ping's pong, because
  //! the IO thread can take the socket's readiness ahead of a frame posted from another thread.
  //! Whatever follows it before the pong would be a second value for the same boundary.
  core::Value onlyValue(WsTestClient& client) {
    core::Value value = client.nextJson();
    EXPECT_TRUE(drain(client).empty()) << "one value per boundary";
    return value;
  }

  std::optional<int64_t> nextWake() {
    return app->engine().call([this](engine::Engine&) { return app->wsFeed().nextWakeMs(); });
  }

  core::FakeClock clock{kHour + 30'000};
  std::unique_ptr<Application> app;
};

TEST_F(WsFeedTest, SnapshotThenDiffsInOrder) {
  WsTestClient client(app->port());
  client.sendText(subscribeMessage("stats"));
  core::Value snapshot = client.nextJson();
  EXPECT_EQ(op(snapshot), "snapshot");
  EXPECT_EQ(snapshot.asMap().at("query"), core::Value("stats"));
  EXPECT_EQ(snapshot.asMap().at("period"), core::Value("live"));
  EXPECT_EQ(integer(snapshot, "sequence"), 1) << "the bootstrap batch is diff 1";
  ClientView view;
  view.apply(snapshot);
  EXPECT_EQ(view.rows.size(), 2u);

  write("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'");
  write("INSERT INTO orders (customer_name, total) VALUES ('Dan', 7)");
  for (int64_t expected : {2, 3}) {
    core::Value diff = client.nextJson();
    EXPECT_EQ(op(diff), "diff");
    EXPECT_EQ(diff.asMap().at("queryId"), core::Value("stats"));
    EXPECT_EQ(integer(diff, "sequence"), expected);
    EXPECT_TRUE(diff.asMap().at("timestamp").isInteger());
    view.apply(diff);
  }
  core::Value server = results("stats");
  ClientView expected;
  expected.reset(server.asMap().at("data"), integer(server, "sequence"));
  EXPECT_FALSE(view.gap);
  EXPECT_EQ(view.sequence, expected.sequence);
  EXPECT_EQ(view.rows, expected.rows);
}

// Stopped and started through the operations API, a query comes back under a higher sequence:
// a watcher that stayed sees the gap (and reloads), and `since` from before gets a snapshot.
TEST_F(WsFeedTest, RestartedQueryJumpsItsSequenceForWatchersAndResumers) {
  auto post = [this](const std::string& target, const std::string& body = {}) {
    server::test::TestClient c(app->port());
    return c.request("POST", target, {}, body);
  };
  WsTestClient watcher(app->port());
  watcher.sendText(subscribeMessage("pending"));
  ClientView view;
  view.apply(watcher.nextJson());
  write("INSERT INTO orders (customer_name, total) VALUES ('Dan', 7)");
  view.apply(watcher.nextJson());
  const uint64_t before = view.sequence;
  EXPECT_FALSE(view.gap);

  ASSERT_EQ(post("/api/v1/queries/pending/stop").status, 200);
  WsTestClient refused(app->port());
  refused.sendText(subscribeMessage("pending"));
  EXPECT_EQ(op(refused.nextJson()), "error") << "a stopped query has nothing to subscribe to";
  write("INSERT INTO orders (customer_name, total) VALUES ('Eve', 8)");
  ASSERT_EQ(post("/api/v1/queries/pending/start").status, 200);
  EXPECT_EQ(integer(results("pending"), "sequence"), static_cast<int64_t>(before + 1));

  WsTestClient resumer(app->port());
  resumer.sendText(subscribeMessage("pending", "live", before));
  core::Value fresh = resumer.nextJson();
  EXPECT_EQ(op(fresh), "snapshot") << "no replay across a restart";
  EXPECT_EQ(integer(fresh, "sequence"), static_cast<int64_t>(before + 1));
  EXPECT_EQ(fresh.asMap().at("data").asList().size(), 4u) << "Eve, written while stopped, is in";

  write("INSERT INTO orders (customer_name, total) VALUES ('Fay', 9)");
  core::Value diff = watcher.nextJson();
  EXPECT_EQ(integer(diff, "sequence"), static_cast<int64_t>(before + 2));
  view.apply(diff);
  EXPECT_TRUE(view.gap) << "the watcher knows to reload";
  EXPECT_EQ(integer(resumer.nextJson(), "sequence"), static_cast<int64_t>(before + 2));

  // A query created at run time is served like the file's.
  ASSERT_EQ(post("/api/v1/queries",
                 R"({"id":"big","query":"MATCH (o:orders) WHERE o.total > 15 )"
                 R"(RETURN o.customer_name AS name","sources":[{"source_id":"shop"}]})")
                .status,
            201);
  WsTestClient big(app->port());
  big.sendText(subscribeMessage("big"));
  core::Value snapshot = big.nextJson();
  EXPECT_EQ(op(snapshot), "snapshot");
  EXPECT_EQ(snapshot.asMap().at("data").asList().size(), 1u) << "Bob";
  write("UPDATE orders SET total = 50 WHERE customer_name = 'Alice'");
  core::Value added = big.nextJson();
  EXPECT_EQ(op(added), "diff");
  EXPECT_EQ(added.asMap().at("added").asList().size(), 1u);
}

TEST_F(WsFeedTest, UnknownQueryIsAnErrorAndTheConnectionGoesOn) {
  WsTestClient client(app->port());
  client.sendText(subscribeMessage("nope"));
  core::Value error = client.nextJson();
  EXPECT_EQ(op(error), "error");
  EXPECT_EQ(error.asMap().at("code"), core::Value("query_not_found"));
  client.sendText(subscribeMessage("stats"));
  EXPECT_EQ(op(client.nextJson()), "snapshot");
}

TEST_F(WsFeedTest, SinceResumesWithNoGapUntilTheLogRunsOut) {
  WsTestClient watcher(app->port());  // keeps the query watched, so its diffs are logged
  watcher.sendText(subscribeMessage("pending"));
  const auto start = static_cast<uint64_t>(integer(watcher.nextJson(), "sequence"));
  for (int i = 0; i < 3; ++i) {
    write("INSERT INTO orders (customer_name, total) VALUES ('P" + std::to_string(i) + "', 1)");
  }
  for (int i = 0; i < 3; ++i) {
    watcher.nextJson();
  }

  WsTestClient resumer(app->port());
  resumer.sendText(subscribeMessage("pending", "live", start + 1));
  core::Value resumed = resumer.nextJson();
  EXPECT_EQ(op(resumed), "resumed");
  EXPECT_EQ(integer(resumed, "since"), static_cast<int64_t>(start + 1));
  EXPECT_EQ(integer(resumed, "sequence"), static_cast<int64_t>(start + 3));
  EXPECT_EQ(integer(resumer.nextJson(), "sequence"), static_cast<int64_t>(start + 2));
  EXPECT_EQ(integer(resumer.nextJson(), "sequence"), static_cast<int64_t>(start + 3));

  WsTestClient current(app->port());
  current.sendText(subscribeMessage("pending", "", start + 3));
  EXPECT_EQ(op(current.nextJson()), "resumed");
  write("INSERT INTO orders (customer_name, total) VALUES ('Q', 1)");
  EXPECT_EQ(integer(current.nextJson(), "sequence"), static_cast<int64_t>(start + 4));

  for (uint64_t since : {start - 1, start + 100}) {  // before the log began; ahead of the query
    WsTestClient other(app->port());
    other.sendText(subscribeMessage("pending", "live", since));
    core::Value m = other.nextJson();
    EXPECT_EQ(op(m), "snapshot") << since;
    EXPECT_EQ(integer(m, "sequence"), static_cast<int64_t>(start + 4));
  }

  for (int i = 0; i < 260; ++i) {  // more than the log keeps (256)
    write("UPDATE orders SET total = total + 1 WHERE customer_name = 'Q'");
  }
  syncEngine();
  WsTestClient late(app->port());
  late.sendText(subscribeMessage("pending", "live", start + 4));
  EXPECT_EQ(op(late.nextJson()), "snapshot");
}

TEST_F(WsFeedTest, SubscribesRacingWritesConvergeOnTheServerResult) {
  constexpr int kClients = 16;
  constexpr int kMinWrites = 300;
  // At most two frames a write: a client that has not read a thing is still within its 1024.
  constexpr int kMaxWrites = 450;
  const std::vector<std::string> queries = {"stats", "pending"};
  // The writer runs until every client has subscribed (and at least kMinWrites times), so each
  // subscribe lands somewhere in the middle of the writes.
  std::atomic<bool> subscribing{true};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    for (int i = 0; (subscribing || i < kMinWrites) && i < kMaxWrites; ++i) {
      write(test::shopWrite(i));
      writes = i + 1;
    }
  });

  // Each client reads on its own thread, as a browser would. Half subscribe plainly; half load
  // /results first and resume from its sequence, as a page does. Until the final sequences are
  // known, a client reads up to a pong, so it never waits on a stream that has gone quiet.
  std::map<std::string, std::atomic<uint64_t>> final_sequence;
  for (const std::string& q : queries) {
    final_sequence[q] = UINT64_MAX;
  }
  std::vector<std::map<std::string, ClientView>> views(kClients);
  std::vector<std::thread> readers;
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  for (int c = 0; c < kClients; ++c) {
    const int before = writes;
    readers.emplace_back([&, c] {
      try {
        WsTestClient client(app->port());
        std::map<std::string, ClientView>& view = views[c];
        for (const std::string& q : queries) {
          if (c % 2 == 0) {
            client.sendText(subscribeMessage(q));
          } else {
            core::Value loaded = results(q);
            view[q].reset(loaded.asMap().at("data"), integer(loaded, "sequence"));
            client.sendText(subscribeMessage(q, "live", view[q].sequence));
          }
        }
        auto done = [&] {
          for (const std::string& q : queries) {
            if (view[q].sequence < final_sequence.at(q)) {
              return false;
            }
          }
          return true;
        };
        while (!done()) {
          bool known = true;
          for (const std::string& q : queries) {
            known = known && final_sequence.at(q) != UINT64_MAX;
          }
          if (!known) {
            client.sendText(R"({"op":"ping"})");
          }
          for (core::Value m = client.nextJson(); op(m) != "pong"; m = client.nextJson()) {
            const auto& fields = m.asMap();
            view[(fields.count("queryId") ? fields.at("queryId") : fields.at("query")).asString()]
                .apply(m);
            if (known) {
              break;
            }
          }
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(failures_mutex);
        failures.push_back("client " + std::to_string(c) + ": " + e.what());
      }
    });
    // Writes in between each connect.
    EXPECT_TRUE(server::test::waitFor([&] { return writes > before || writes == kMaxWrites; }));
  }
  subscribing = false;
  writer.join();
  syncEngine();
  std::map<std::string, ClientView> expected;
  for (const std::string& q : queries) {
    core::Value server = results(q);
    expected[q].reset(server.asMap().at("data"), integer(server, "sequence"));
    final_sequence[q] = expected[q].sequence;
  }
  for (std::thread& reader : readers) {
    reader.join();
  }
  EXPECT_TRUE(failures.empty()) << failures.front();
  for (int c = 0; c < kClients; ++c) {
    for (const std::string& q : queries) {
      EXPECT_FALSE(views[c][q].gap) << "client " << c << " " << q;
      EXPECT_EQ(views[c][q].sequence, expected[q].sequence) << "client " << c << " " << q;
      EXPECT_EQ(views[c][q].rows, expected[q].rows) << "client " << c << " " << q;
    }
  }
  EXPECT_GT(writes.load(), kMinWrites / 2);
}

TEST_F(WsFeedTest, PeriodValuesArriveOncePerAlignedBoundary) {
  WsTestClient minute(app->port());
  WsTestClient hour(app->port());
  minute.sendText(subscribeMessage("stats", "minute"));
  hour.sendText(subscribeMessage("stats", "hour"));
  core::Value first = minute.nextJson();
  EXPECT_EQ(op(first), "value");
  EXPECT_EQ(first.asMap().at("period"), core::Value("minute"));
  EXPECT_EQ(integer(first, "boundary"), kHour) << "the minute the subscribe landed in";
  EXPECT_EQ(integer(first, "sequence"), 1);
  EXPECT_EQ(first.asMap().at("data").asList().size(), 2u);
  EXPECT_EQ(integer(hour.nextJson(), "boundary"), kHour);
  EXPECT_EQ(nextWake(), std::optional<int64_t>(kHour + 60'000));

  // Between boundaries nothing arrives, whatever changes.
  write("UPDATE orders SET status = 'shipped' WHERE customer_name = 'Bob'");
  clock.setMs(kHour + 59'999);
  syncEngine();
  EXPECT_TRUE(drain(minute).empty());

  clock.setMs(kHour + 60'000);
  syncEngine();
  core::Value value = onlyValue(minute);
  EXPECT_EQ(op(value), "value");
  EXPECT_EQ(integer(value, "boundary"), kHour + 60'000);
  EXPECT_EQ(integer(value, "sequence"), 2) << "the latest value at the boundary";

  // A clock that jumps several boundaries gets one value, for the latest.
  clock.setMs(kHour + 6 * 60'000 + 1'000);
  syncEngine();
  EXPECT_EQ(integer(onlyValue(minute), "boundary"), kHour + 6 * 60'000);
  EXPECT_TRUE(drain(hour).empty()) << "no hour boundary yet";

  clock.setMs(kHour + 3'600'000);
  syncEngine();
  value = onlyValue(hour);
  EXPECT_EQ(value.asMap().at("period"), core::Value("hour"));
  EXPECT_EQ(integer(value, "boundary"), kHour + 3'600'000);
  EXPECT_EQ(integer(onlyValue(minute), "boundary"), kHour + 3'600'000);
}

TEST_F(WsFeedTest, UnwatchedQueriesAndPeriodsCostNothing) {
  const WsFeed& feed = app->wsFeed();
  for (int i = 0; i < 5; ++i) {
    write("UPDATE orders SET total = total + 1 WHERE customer_name = 'Alice'");
  }
  syncEngine();
  EXPECT_EQ(feed.framesEncoded(), 0u) << "nobody subscribed: nothing encoded";
  EXPECT_EQ(nextWake(), std::nullopt) << "nobody watches a period: nothing scheduled";

  // Three watchers of one query: each diff is encoded once, and the other queries not at all.
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<WsTestClient>(app->port()));
    clients.back()->sendText(subscribeMessage("stats"));
    EXPECT_EQ(op(clients.back()->nextJson()), "snapshot");
  }
  EXPECT_EQ(feed.framesEncoded(), 1u) << "one snapshot frame shared by the three";
  write("UPDATE orders SET total = total + 1 WHERE customer_name = 'Alice'");
  for (auto& c : clients) {
    EXPECT_EQ(op(c->nextJson()), "diff");
  }
  EXPECT_EQ(feed.framesEncoded(), 2u);

  // Once the last watcher leaves, the log records a bounded number of diffs, then stops.
  for (auto& c : clients) {
    c->sendText(R"({"op":"unsubscribe","query":"stats"})");
    drain(*c);
  }
  for (int i = 0; i < 300; ++i) {
    write("UPDATE orders SET total = total + 1 WHERE customer_name = 'Alice'");
  }
  syncEngine();
  EXPECT_EQ(feed.framesEncoded(), 2u + 256u);

  // A period whose last watcher left is not scheduled again after its next boundary.
  WsTestClient minute(app->port());
  minute.sendText(subscribeMessage("stats", "minute"));
  EXPECT_EQ(op(minute.nextJson()), "value");
  EXPECT_EQ(nextWake(), std::optional<int64_t>(kHour + 60'000));
  minute.sendText(R"({"op":"unsubscribe","query":"stats","period":"minute"})");
  drain(minute);
  clock.setMs(kHour + 60'000);
  syncEngine();
  EXPECT_EQ(nextWake(), std::nullopt);
  EXPECT_TRUE(drain(minute).empty());
}

}  // namespace
}  // namespace livedash::app
