// tests/integration/cluster/engine_node_nats_test.cpp
//
// `--role engine` against a real 3-node JetStream cluster (replicas 3): every diff reaches the
// stream once and in order, the snapshot bucket follows, a restarted engine continues its
// sequences, and a JetStream node killed mid-stream loses nothing. Each test checks what a
// reader of JetStream ends up holding against the store's own answer in SQL.
#include <gtest/gtest.h>

#include "jetstream_harness.hpp"
#include "unit/app/shop_writes.hpp"

namespace livedash::testing {
namespace {

class EngineNodeNats : public JetStreamTest {
 protected:
  void SetUp() override {
    JetStreamTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    db_path = cluster->directory() + "/shop.db";
    config_text = engineConfig(*cluster, db_path);
  }
  void TearDown() override {
    if (engine) {
      engine->stop();
    }
  }

  void write(int i) { writeShop(*engine, i); }
  void settle() { testing::settle(*engine); }
  core::SystemClock clock;
  std::string db_path;
  std::string config_text;
  std::unique_ptr<app::Application> engine;
};

TEST_F(EngineNodeNats, PublishesEveryDiffOnceInOrderAndKeepsTheSnapshot) {
  engine = startEngine(config_text, clock);
  for (int i = 0; i < 60; ++i) {
    write(i);
  }
  settle();
  StreamReader reader;
  reader.readAll(*client, "stats");
  ASSERT_FALSE(reader.sequences.empty());
  for (size_t i = 0; i < reader.sequences.size(); ++i) {
    ASSERT_EQ(reader.sequences[i], i + 1) << "every diff, once, in order, from the bootstrap on";
  }
  // From nothing, the whole stream gives the result; so does the bucket's snapshot plus the
  // diffs after it, once the engine has written a snapshot since the last write.
  app::test::ClientView from_start;
  reader.applyTo(from_start);
  EXPECT_FALSE(from_start.gap);
  expectSameStats(statsOfRows(from_start.rows), statsOfStore(*engine));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  settle();
  core::Value snapshot = snapshotOf(*client, "stats");
  EXPECT_EQ(snapshot.asMap().at("sequence").asInteger(),
            static_cast<int64_t>(reader.sequences.back()));
  EXPECT_EQ(snapshot.asMap().at("stream_sequence").asInteger(),
            static_cast<int64_t>(reader.last_stream_sequence));
  app::test::ClientView view = edgeView(*client, reader, "stats");
  EXPECT_FALSE(view.gap);
  EXPECT_EQ(view.rows, from_start.rows);
}

TEST_F(EngineNodeNats, ARestartedEngineContinuesItsSequences) {
  engine = startEngine(config_text, clock);
  for (int i = 0; i < 30; ++i) {
    write(i);
  }
  settle();
  engine->stop();
  engine.reset();
  StreamReader reader;
  reader.readAll(*client, "stats");
  ASSERT_FALSE(reader.sequences.empty());
  const uint64_t before_restart = reader.sequences.back();

  engine = startEngine(config_text, clock);
  for (int i = 30; i < 60; ++i) {
    write(i);
  }
  settle();
  reader.readAll(*client, "stats");
  EXPECT_TRUE(strictlyIncreasing(reader.sequences)) << "never rewinds or repeats";
  EXPECT_GT(reader.sequences.back(), before_restart + 1);
  // The snapshot written at the restart sits past the last number of the previous run, so an
  // edge holding that number sees the jump and reloads.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  settle();
  core::Value snapshot = snapshotOf(*client, "stats");
  EXPECT_GT(static_cast<uint64_t>(snapshot.asMap().at("sequence").asInteger()), before_restart);
  app::test::ClientView view = edgeView(*client, reader, "stats");
  EXPECT_FALSE(view.gap);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));
}

TEST_F(EngineNodeNats, AJetStreamNodeKilledMidStreamLosesNothing) {
  engine = startEngine(config_text, clock);
  for (int i = 0; i < 40; ++i) {
    write(i);
  }
  cluster->kill(0);
  for (int i = 40; i < 80; ++i) {
    write(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  settle();
  StreamReader reader;
  reader.readAll(*client, "stats");
  for (size_t i = 0; i < reader.sequences.size(); ++i) {
    ASSERT_EQ(reader.sequences[i], i + 1) << "no gap and no duplicate across the lost node";
  }
  app::test::ClientView view;
  reader.applyTo(view);
  EXPECT_FALSE(view.gap);
  expectSameStats(statsOfRows(view.rows), statsOfStore(*engine));
  // The node comes back and catches up; the stream still reads the same.
  cluster->restart(0);
  write(80);
  settle();
  reader.readAll(*client, "stats");
  EXPECT_TRUE(strictlyIncreasing(reader.sequences));
}

}  // namespace
}  // namespace livedash::testing
