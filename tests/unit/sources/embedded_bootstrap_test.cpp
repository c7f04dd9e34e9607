// tests/unit/sources/embedded_bootstrap_test.cpp
//
// start() delivers a snapshot, then live batches with no gap and no overlap; a file-backed store
// survives a restart without re-running its schema; the store's clock is the injected one.
#include <set>

#include <gtest/gtest.h>

#include "embedded_test_support.hpp"

namespace livedash::sources::testing {
namespace {

using core::ChangeOp;
using core::Value;

std::set<std::string> ids(const core::ChangeBatch& batch) {
  std::set<std::string> out;
  for (const core::Change& c : batch.changes) {
    out.insert(c.element.id);
  }
  return out;
}

TEST_F(EmbeddedTest, BootstrapHasEveryRowOfEveryTable) {
  EmbeddedSource shop(options());
  clock_.advanceMs(250);
  shop.start(sink_);
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  EXPECT_TRUE(batch.bootstrap);
  EXPECT_EQ(batch.source_id, "shop");
  EXPECT_EQ(batch.commit_time_ms, kStartMs + 250);
  const std::set<std::string> expected{"customers:1",    "customers:2",    "customers:3",
                                       "orders:1",       "orders:2",       "payments:1",
                                       "line_items:1_1", "line_items:1_2", "notes:1"};
  EXPECT_EQ(ids(batch), expected);
  for (const core::Change& c : batch.changes) {
    EXPECT_EQ(c.op, ChangeOp::Insert);
  }
  const core::Change* order = findChange(batch, "orders:2");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->element.labels, core::Labels{"orders"});
  EXPECT_EQ(prop(order->element.properties, "total"), Value(80.0));
  EXPECT_TRUE(prop(order->element.properties, "total").isFloat());
  EXPECT_EQ(prop(order->element.properties, "created_at"), at(kStartMs - 3 * 3'600'000));
}

TEST_F(EmbeddedTest, WritesBeforeStartAreInTheSnapshotAndWritesAfterAreLive) {
  EmbeddedSource shop(options());
  shop.insertRow("notes", {{"body", Value("before start")}});
  shop.start(sink_);
  shop.insertRow("notes", {{"body", Value("after start")}});
  const auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_TRUE(batches[0].bootstrap);
  EXPECT_NE(findChange(batches[0], "notes:2"), nullptr);
  EXPECT_EQ(findChange(batches[0], "notes:3"), nullptr);
  EXPECT_FALSE(batches[1].bootstrap);
  EXPECT_EQ(ids(batches[1]), std::set<std::string>{"notes:3"});
}

TEST_F(EmbeddedTest, StopEndsDeliveryAndStartBootstrapsAgain) {
  EmbeddedSource shop(options());
  shop.start(sink_);
  shop.stop();
  shop.insertRow("notes", {{"body", Value("while stopped")}});
  ASSERT_EQ(sink_.size(), 1u);
  RecordingSink second;
  shop.start(second);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(findChange(second.last(), "notes:2"), nullptr);
  shop.insertRow("notes", {{"body", Value("live again")}});
  EXPECT_EQ(second.size(), 2u);
  EXPECT_EQ(sink_.size(), 1u);
}

TEST_F(EmbeddedTest, FileStoreKeepsDataAndDoesNotRerunTheSchema) {
  const std::string path = (dir_ / "shop.db").string();
  {
    EmbeddedSource shop(options(path));
    shop.start(sink_);
    shop.insertRow("notes", {{"body", Value("persisted")}});
  }
  // Re-running the schema would fail on customers.email UNIQUE, and would add sample rows again.
  RecordingSink after_restart;
  EmbeddedSource shop(options(path));
  shop.start(after_restart);
  ASSERT_EQ(after_restart.size(), 1u);
  const core::ChangeBatch snapshot = after_restart.last();
  EXPECT_EQ(snapshot.changes.size(), 10u);
  const core::Change* note = findChange(snapshot, "notes:2");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(prop(note->element.properties, "body"), Value("persisted"));
  EXPECT_EQ(shop.listRows("customers", 100, 0).size(), 3u);
  EXPECT_EQ(shop.executeSql("PRAGMA journal_mode").rows.at(0).at(0), Value("wal"));
}

TEST_F(EmbeddedTest, SchemaFilesRunInOrderOnlyForANewStore) {
  EmbeddedSourceOptions o = options((dir_ / "two.db").string());
  o.schema_files.push_back(writeFile("more.sql", "INSERT INTO notes (body) VALUES ('more');"));
  {
    EmbeddedSource shop(o);
    EXPECT_EQ(shop.listRows("notes", 10, 0).size(), 2u);
  }
  EmbeddedSource shop(o);
  EXPECT_EQ(shop.listRows("notes", 10, 0).size(), 2u);
}

TEST_F(EmbeddedTest, StoreWithoutSchemaStartsEmpty) {
  EmbeddedSourceOptions o = options();
  o.schema_files.clear();
  EmbeddedSource store(o);
  store.start(sink_);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_TRUE(sink_.last().changes.empty());
  store.executeSql(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a')");
  ASSERT_EQ(sink_.size(), 2u);
  EXPECT_EQ(sink_.last().changes.at(0).element.id, "t:1");
}

TEST_F(EmbeddedTest, NowAndCurrentTimestampFollowTheClock) {
  auto shop = startedShop();
  clock_.setMs(kStartMs + 1'234);
  const SqlResult r =
      shop->executeSql("SELECT NOW(), now(), CURRENT_TIMESTAMP, datetime('now'), CURRENT_DATE");
  ASSERT_EQ(r.rows.size(), 1u);
  const core::List& row = r.rows[0];
  EXPECT_EQ(row[0], Value("2024-05-01 12:00:01.234"));
  EXPECT_EQ(row[1], Value("2024-05-01 12:00:01.234"));
  EXPECT_EQ(row[2], Value("2024-05-01 12:00:01"));
  EXPECT_EQ(row[3], Value("2024-05-01 12:00:01"));
  EXPECT_EQ(row[4], Value("2024-05-01"));
}

TEST_F(EmbeddedTest, CurrentTimestampInAWriteBecomesADateTime) {
  auto shop = startedShop();
  clock_.advanceMs(3'000);
  shop->executeSql("UPDATE payments SET updated_at = CURRENT_TIMESTAMP WHERE id = 1");
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 1u);
  EXPECT_EQ(prop(batch.changes[0].element.properties, "updated_at"), at(kStartMs + 3'000));
  EXPECT_EQ(batch.commit_time_ms, kStartMs + 3'000);
}

}  // namespace
}  // namespace livedash::sources::testing
