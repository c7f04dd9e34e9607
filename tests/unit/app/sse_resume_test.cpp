// tests/unit/app/sse_resume_test.cpp
//
// The SSE stream's delivery promise, over real sockets under continuous writes: a client that
// is cut off a thousand times and resumes with `Last-Event-ID` sees every diff exactly once; a
// page that loads snapshots and then connects (with `?since=`, or connecting first as the
// dashboard does) joins them to the stream with no gap and no duplicate; and a resume point the
// server can no longer serve gets `must-refetch`, never a silent skip.
#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "core/json.hpp"
#include "unit/app/app_fixture.hpp"
#include "unit/app/shop_writes.hpp"
#include "unit/app/ws_client_view.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app {
namespace {

using server::test::SseEvent;
using server::test::TestClient;
using test::ClientView;
using test::integer;
using test::nextData;

const std::vector<std::string> kQueries = {"stats", "pending"};

class SseResumeTest : public test::AppFixture {
 protected:
  SseResumeTest() : AppFixture("sse_resume.yaml", 2) {}
  void TearDown() override {
    stopWriting();
    AppFixture::TearDown();
  }

  void write(const std::string& sql) { app->embeddedSource("shop")->executeSql(sql); }

  //! Writes the shop cycle on its own thread until stopWriting(), a little apart so that the
  //! engine keeps up and the replay log is never outrun.
  void startWriting() {
    writer = std::thread([this] {
      for (int i = 0; !stop_writing; ++i) {
        write(test::shopWrite(i));
        writes = i + 1;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
  }
  void stopWriting() {
    stop_writing = true;
    if (writer.joinable()) {
      writer.join();
    }
  }

  core::Value results(const std::string& query) { return test::queryResults(*app, query); }

  //! The server's current answer for every query, once the engine has applied every write.
  std::map<std::string, ClientView> serverViews() {
    app->engine().call([](engine::Engine&) { return 0; });
    std::map<std::string, ClientView> out;
    for (const std::string& q : kQueries) {
      core::Value r = results(q);
      out[q].reset(r.asMap().at("data"), integer(r, "sequence"));
    }
    return out;
  }

  std::unique_ptr<TestClient> openStream(const std::string& target,
                                         const std::string& extra_headers = {}) {
    auto c = std::make_unique<TestClient>(app->port());
    c->send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n" +
            extra_headers + "\r\n");
    server::test::Reply head = c->readHead();
    EXPECT_EQ(head.status, 200) << target;
    return c;
  }

  std::thread writer;
  std::atomic<bool> stop_writing{false};
  std::atomic<int> writes{0};
};

bool isMustRefetch(const SseEvent& e) {
  return e.data.rfind(R"({"type":"must-refetch")", 0) == 0;
}

//! What one SSE client holds: each query's view, and the stream ids it has seen.
struct StreamClient {
  std::map<std::string, ClientView> views;
  uint64_t last_id = 0;
  uint64_t id_repeats = 0;  //!< an id at or below the previous one
  //! An id past the previous + 1. A gap on a plain stream; after `?since=` it is a diff the
  //! client's snapshot already held, and each view checks its own sequence instead.
  uint64_t id_skips = 0;
  uint64_t must_refetch = 0;
  uint64_t events = 0;

  //! `joining`: diffs the loaded snapshots already hold may still arrive (the stream was opened
  //! before the snapshots were loaded) and are dropped.
  void take(const SseEvent& e, bool joining = false) {
    if (isMustRefetch(e)) {
      ++must_refetch;
      return;
    }
    ++events;
    const uint64_t id = std::stoull(e.id);
    id_repeats += id <= last_id ? 1 : 0;
    id_skips += last_id != 0 && id > last_id + 1 ? 1 : 0;
    last_id = id;
    core::Value diff = core::parseJson(e.data);
    ClientView& view = views[diff.asMap().at("queryId").asString()];
    if (joining && static_cast<uint64_t>(integer(diff, "sequence")) <= view.sequence) {
      return;
    }
    view.applyDiff(diff);
  }

  bool reached(const std::map<std::string, ClientView>& expected) const {
    for (const auto& [q, view] : expected) {
      auto mine = views.find(q);
      if (mine == views.end() || mine->second.sequence < view.sequence) {
        return false;
      }
    }
    return true;
  }
};

void expectSameViews(const StreamClient& client, const std::map<std::string, ClientView>& server,
                     const std::string& who) {
  for (const auto& [q, expected] : server) {
    const ClientView& view = client.views.at(q);
    EXPECT_FALSE(view.gap) << who << " " << q;
    EXPECT_EQ(view.sequence, expected.sequence) << who << " " << q;
    EXPECT_EQ(view.rows, expected.rows) << who << " " << q;
  }
}

TEST_F(SseResumeTest, AThousandForcedDisconnectsUnderWritesLoseAndRepeatNothing) {
  constexpr int kDisconnects = 1000;
  startWriting();
  // Join as the page does: stream first, then the snapshots.
  StreamClient client;
  std::unique_ptr<TestClient> stream = openStream("/events");
  for (const std::string& q : kQueries) {
    core::Value r = results(q);
    client.views[q].reset(r.asMap().at("data"), integer(r, "sequence"));
  }
  // Diffs older than the snapshots may come on any connection (the first may be cut before
  // they are all read), so they are dropped throughout; a repeat still shows in the ids.
  for (int cut = 0; cut < kDisconnects; ++cut) {
    for (int i = 0; i <= cut % 3; ++i) {
      client.take(nextData(*stream), true);
    }
    if (cut % 2 == 0) {
      stream->reset();
    } else {
      stream->close();
    }
    if (cut % 10 == 0) {
      // Stay away while the writer moves on, so the resume has something to replay.
      const int before = writes;
      ASSERT_TRUE(server::test::waitFor([&] { return writes >= before + 3; }));
    }
    stream = openStream("/events", "Last-Event-ID: " + std::to_string(client.last_id) + "\r\n");
  }
  stopWriting();
  const std::map<std::string, ClientView> server = serverViews();
  while (!client.reached(server) && client.must_refetch == 0) {
    client.take(nextData(*stream), true);
  }
  EXPECT_EQ(client.must_refetch, 0u);
  EXPECT_EQ(client.id_repeats, 0u);
  EXPECT_EQ(client.id_skips, 0u);
  expectSameViews(client, server, "the client");
  EXPECT_GT(writes.load(), kDisconnects / 2) << "the disconnects raced too few writes";
}

TEST_F(SseResumeTest, SnapshotsJoinTheStreamWhileWritesRace) {
  constexpr int kClients = 16;
  // The writer runs while every client loads and connects, so writes land between a client's
  // snapshots and its connect. Clients read only once it stops: what they missed meanwhile
  // waits in their queue (at most two frames a write, well under its 1024).
  startWriting();
  std::vector<StreamClient> clients(kClients);
  std::vector<std::unique_ptr<TestClient>> streams;
  for (int c = 0; c < kClients; ++c) {
    const int before = writes;
    if (c % 2 == 0) {
      // Snapshots first, then the stream from just after them.
      std::string since;
      for (const std::string& q : kQueries) {
        core::Value r = results(q);
        clients[c].views[q].reset(r.asMap().at("data"), integer(r, "sequence"));
        since += (since.empty() ? "" : ",") + q + ":" + std::to_string(integer(r, "sequence"));
      }
      ASSERT_TRUE(server::test::waitFor([&] { return writes > before; }));
      streams.push_back(openStream("/events?since=" + since));
    } else {
      // The dashboard's way: the stream first, then the snapshots; older diffs are dropped.
      streams.push_back(openStream("/events"));
      ASSERT_TRUE(server::test::waitFor([&] { return writes > before; }));
      for (const std::string& q : kQueries) {
        core::Value r = results(q);
        clients[c].views[q].reset(r.asMap().at("data"), integer(r, "sequence"));
      }
    }
  }
  stopWriting();
  const std::map<std::string, ClientView> server = serverViews();
  for (int c = 0; c < kClients; ++c) {
    StreamClient& client = clients[c];
    while (!client.reached(server) && client.must_refetch == 0) {
      client.take(nextData(*streams[c]), c % 2 == 1);
    }
    EXPECT_EQ(client.must_refetch, 0u) << "client " << c;
    EXPECT_EQ(client.id_repeats, 0u) << "client " << c;
    if (c % 2 == 1) {
      EXPECT_EQ(client.id_skips, 0u) << "client " << c;
    }
    expectSameViews(client, server, "client " + std::to_string(c));
  }
}

TEST_F(SseResumeTest, SinceFromALoadedSnapshotReplaysExactlyTheLaterDiffs) {
  core::Value stats = results("stats");
  const int64_t at = integer(stats, "sequence");
  write("UPDATE orders SET status = 'shipped' WHERE id = 1");
  write("UPDATE orders SET total = 99 WHERE id = 2");
  // Both diffs reach the log before the connect, so they come as replay; `pending` changed too,
  // and a live diff of it would arrive as well.
  app->engine().call([](engine::Engine&) { return 0; });
  auto stream = openStream("/events?since=stats:" + std::to_string(at));
  StreamClient client;
  client.views["stats"].reset(stats.asMap().at("data"), static_cast<uint64_t>(at));
  client.take(nextData(*stream));
  client.take(nextData(*stream));
  const std::map<std::string, ClientView> server = serverViews();
  EXPECT_EQ(client.views.size(), 1u) << "`pending` was not asked for, so none of its replay";
  EXPECT_EQ(client.views["stats"].sequence, server.at("stats").sequence);
  EXPECT_EQ(client.views["stats"].rows, server.at("stats").rows);
  EXPECT_FALSE(client.views["stats"].gap);
}

TEST_F(SseResumeTest, AResumePointTheLogNoLongerHoldsGetsMustRefetch) {
  const int64_t at = integer(results("stats"), "sequence");
  for (int i = 0; i < 6; ++i) {
    write("UPDATE orders SET total = total + 1 WHERE id = 1");  // one stats diff each
  }
  app->engine().call([](engine::Engine&) { return 0; });  // all six are in the logs
  // /short keeps four messages: stats' first missing diff is gone.
  auto too_old = openStream("/short?since=stats:" + std::to_string(at));
  EXPECT_TRUE(isMustRefetch(nextData(*too_old)));
  auto same_on_events = openStream("/events?since=stats:" + std::to_string(at));
  EXPECT_FALSE(isMustRefetch(nextData(*same_on_events))) << "/events keeps 65536";
  auto ahead = openStream("/events?since=stats:" + std::to_string(at + 100));
  SseEvent e = nextData(*ahead);
  EXPECT_TRUE(isMustRefetch(e));
  EXPECT_NE(e.data.find("ahead"), std::string::npos) << e.data;
  auto old_id = openStream("/short", "Last-Event-ID: 1\r\n");
  EXPECT_TRUE(isMustRefetch(nextData(*old_id)));
}

TEST_F(SseResumeTest, BadSinceIsRefusedWithAJsonError) {
  struct Case {
    std::string target;
    int status;
  };
  for (const Case& c :
       {Case{"/events?since=stats", 400}, Case{"/events?since=stats:x", 400},
        Case{"/events?since=stats:1,stats:2", 400}, Case{"/events?since=", 400},
        Case{"/events?since=nope:1", 404}, Case{"/events?queries=pending&since=stats:1", 403}}) {
    TestClient client(app->port());
    server::test::Reply reply = client.request("GET", c.target);
    EXPECT_EQ(reply.status, c.status) << c.target;
    EXPECT_EQ(core::parseJson(reply.body).asMap().at("success"), core::Value(false)) << c.target;
  }
}

}  // namespace
}  // namespace livedash::app
