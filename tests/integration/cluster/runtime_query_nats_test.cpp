// tests/integration/cluster/runtime_query_nats_test.cpp
//
// An engine node publishes the queries created, stopped and started through the operations API
// while it runs, not only those of its config: each diff reaches the query's subject once and
// in order, its snapshot reaches the bucket, and its numbering never repeats across a stop and
// start or a delete and re-create. What a JetStream reader ends up holding is compared with the
// store's own answer in SQL.
#include <gtest/gtest.h>

#include "jetstream_harness.hpp"

namespace livedash::testing {
namespace {

class RuntimeQueryNats : public JetStreamTest {
 protected:
  void SetUp() override {
    JetStreamTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    engine = startEngine(engineConfig(*cluster, cluster->directory() + "/shop.db"), clock);
  }
  void TearDown() override {
    if (engine) {
      engine->stop();
    }
  }

  int call(const std::string& method, const std::string& target, const std::string& body = {}) {
    server::test::TestClient c(engine->port());
    server::test::Reply r = c.request(method, target, {{"Content-Type", "application/json"}}, body);
    EXPECT_LT(r.status, 300) << method << " " << target << ": " << r.body;
    return r.status;
  }
  void writes(int from, int to) {
    for (int i = from; i < to; ++i) {
      writeShop(*engine, i);
    }
    settle(*engine);
  }
  core::SystemClock clock;
  std::unique_ptr<app::Application> engine;
};

TEST_F(RuntimeQueryNats, AQueryCreatedStoppedAndStartedAtRunTimeIsPublished) {
  writes(0, 5);
  EXPECT_EQ(call("POST", "/api/v1/queries", kLiveQuery), 201);
  writes(5, 30);
  StreamReader reader;
  reader.readAll(*client, "live");
  ASSERT_FALSE(reader.sequences.empty()) << "the query created at run time was not published";
  for (size_t i = 1; i < reader.sequences.size(); ++i) {
    ASSERT_EQ(reader.sequences[i], reader.sequences[i - 1] + 1) << "every diff, once, in order";
  }
  // Its first snapshot is written when it starts, so a reader can start before any diff.
  app::test::ClientView view = edgeView(*client, reader, "live");
  EXPECT_FALSE(view.gap);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));

  // Stopped and started again: it goes on being published, with its numbering past the old.
  EXPECT_EQ(call("POST", "/api/v1/queries/live/stop"), 200);
  writes(30, 35);
  EXPECT_EQ(call("POST", "/api/v1/queries/live/start"), 200);
  writes(35, 50);
  // Deleted and created again: the same.
  EXPECT_EQ(call("DELETE", "/api/v1/queries/live"), 200);
  EXPECT_EQ(call("POST", "/api/v1/queries", kLiveQuery), 201);
  writes(50, 65);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a periodic snapshot since
  settle(*engine);
  reader.readAll(*client, "live");
  EXPECT_TRUE(strictlyIncreasing(reader.sequences)) << "a number repeated after a restart";
  view = edgeView(*client, reader, "live");
  EXPECT_FALSE(view.gap);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));
}

TEST_F(RuntimeQueryNats, AQueryCreatedAgainAfterAnEngineRestartContinuesItsNumbering) {
  EXPECT_EQ(call("POST", "/api/v1/queries", kLiveQuery), 201);
  writes(0, 20);
  StreamReader reader;
  reader.readAll(*client, "live");
  ASSERT_FALSE(reader.sequences.empty());
  // The new engine has no `live` in its config: it learns where JetStream stands when the query
  // is created again.
  const std::string config = engineConfig(*cluster, cluster->directory() + "/shop.db");
  engine->stop();
  engine = startEngine(config, clock);
  EXPECT_EQ(call("POST", "/api/v1/queries", kLiveQuery), 201);
  writes(20, 40);
  reader.readAll(*client, "live");
  EXPECT_TRUE(strictlyIncreasing(reader.sequences)) << "the re-created query repeated a number";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  settle(*engine);
  app::test::ClientView view = edgeView(*client, reader, "live");
  EXPECT_FALSE(view.gap);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));
}

}  // namespace
}  // namespace livedash::testing
