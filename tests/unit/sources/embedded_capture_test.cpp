// tests/unit/sources/embedded_capture_test.cpp
//
// Writes through the embedded source become one ChangeBatch per transaction, with before and
// after values, element ids `table:pk`, and trigger-made changes folded in.
#include <thread>

#include <gtest/gtest.h>

#include "embedded_test_support.hpp"

namespace livedash::sources::testing {
namespace {

using core::ChangeOp;
using core::Value;

TEST_F(EmbeddedTest, InsertIsOneBatchWithTypedProperties) {
  auto shop = startedShop();
  clock_.advanceMs(5'000);
  shop->executeSql(
      "INSERT INTO orders (customer_id, customer_name, status, total) "
      "VALUES (1, 'Ann Lee', 'pending', 449.99)");
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  EXPECT_EQ(batch.source_id, "shop");
  EXPECT_FALSE(batch.bootstrap);
  EXPECT_EQ(batch.commit_time_ms, kStartMs + 5'000);
  ASSERT_EQ(batch.changes.size(), 1u);
  const core::Change& c = batch.changes[0];
  EXPECT_EQ(c.op, ChangeOp::Insert);
  EXPECT_EQ(c.element.id, "orders:3");
  EXPECT_EQ(c.element.labels, core::Labels{"orders"});
  EXPECT_TRUE(c.before.empty());
  const core::Map& p = c.element.properties;
  EXPECT_EQ(prop(p, "id"), Value(3));
  EXPECT_EQ(prop(p, "customer_name"), Value("Ann Lee"));
  EXPECT_TRUE(prop(p, "total").isFloat());
  EXPECT_EQ(prop(p, "total"), Value(449.99));
  EXPECT_EQ(prop(p, "rush"), Value(false));
  EXPECT_EQ(prop(p, "created_at"), at(kStartMs + 5'000));
}

TEST_F(EmbeddedTest, UpdateCarriesBeforeAndAfterAndTheTriggerTouch) {
  auto shop = startedShop();
  clock_.advanceMs(60'000);
  const SqlResult r = shop->executeSql("UPDATE orders SET status = 'processing' WHERE id = 1");
  EXPECT_EQ(r.changes, 1);  // the trigger's own update is not counted
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  // The statement and the AFTER UPDATE trigger wrote the row twice; the batch has its net effect.
  ASSERT_EQ(batch.changes.size(), 1u);
  const core::Change& c = batch.changes[0];
  EXPECT_EQ(c.op, ChangeOp::Update);
  EXPECT_EQ(c.element.id, "orders:1");
  EXPECT_EQ(prop(c.before, "status"), Value("pending"));
  EXPECT_EQ(prop(c.element.properties, "status"), Value("processing"));
  EXPECT_EQ(prop(c.before, "updated_at"), at(kStartMs));
  EXPECT_EQ(prop(c.element.properties, "updated_at"), at(kStartMs + 60'000));
  EXPECT_EQ(prop(c.element.properties, "total"), Value(120.5));
}

TEST_F(EmbeddedTest, DeleteCarriesTheOldRow) {
  auto shop = startedShop();
  shop->executeSql("DELETE FROM payments WHERE id = 1");
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 1u);
  const core::Change& c = batch.changes[0];
  EXPECT_EQ(c.op, ChangeOp::Delete);
  EXPECT_EQ(c.element.id, "payments:1");
  EXPECT_EQ(prop(c.before, "status"), Value("completed"));
  EXPECT_EQ(prop(c.before, "amount"), Value(120.5));
}

TEST_F(EmbeddedTest, MultiStatementTransactionIsExactlyOneBatch) {
  auto shop = startedShop();
  const SqlResult r = shop->executeSql(
      "INSERT INTO orders (customer_id, customer_name, total) VALUES (3, 'Cy Park', 10);"
      "INSERT INTO payments (order_id, status, amount, error_message)"
      "  VALUES (3, 'failed', 10, 'Card declined');"
      "UPDATE orders SET status = 'shipped' WHERE id IN (1, 2);");
  EXPECT_EQ(r.changes, 4);
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 4u);
  EXPECT_EQ(batch.changes[0].element.id, "orders:3");
  EXPECT_EQ(batch.changes[1].element.id, "payments:2");
  EXPECT_EQ(prop(batch.changes[1].element.properties, "error_message"), Value("Card declined"));
  EXPECT_EQ(batch.changes[2].element.id, "orders:1");
  EXPECT_EQ(batch.changes[3].element.id, "orders:2");
  EXPECT_EQ(batch.changes[3].op, ChangeOp::Update);
}

TEST_F(EmbeddedTest, SeedStepsRunAsWritten) {
  auto shop = startedShop();
  shop->executeSql(
      "INSERT INTO orders (customer_id, customer_name, status, total) "
      "VALUES (1, 'Ann Lee', 'pending', 449.99)");
  shop->executeSql("UPDATE orders SET status = 'processing' WHERE id = 1");
  shop->executeSql(
      "INSERT INTO payments (order_id, status, amount, error_message) "
      "VALUES (1, 'failed', 449.99, 'Card declined')");
  shop->executeSql(
      "UPDATE payments SET status = 'completed', error_message = NULL WHERE order_id = 1");
  clock_.advanceMs(1'000);
  shop->executeSql(
      "INSERT INTO orders (customer_id, customer_name, status, total, created_at) "
      "VALUES (3, 'Cy Park', 'processing', 199.99, NOW())");
  shop->executeSql(
      "UPDATE orders SET status = 'packing' "
      "WHERE customer_name = 'Cy Park' AND status = 'processing'");
  const auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 6u);
  EXPECT_EQ(batches[3].changes.size(), 2u);  // both payments of order 1
  const core::Change* carol = findChange(batches[4], "orders:4");
  ASSERT_NE(carol, nullptr);
  EXPECT_EQ(prop(carol->element.properties, "created_at"), at(kStartMs + 1'000));
  ASSERT_EQ(batches[5].changes.size(), 1u);
  EXPECT_EQ(prop(batches[5].changes[0].element.properties, "status"), Value("packing"));
}

TEST_F(EmbeddedTest, PrimaryKeyChangeIsDeleteThenInsert) {
  auto shop = startedShop();
  shop->executeSql("UPDATE orders SET id = 10 WHERE id = 2");
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 2u);
  EXPECT_EQ(batch.changes[0].op, ChangeOp::Delete);
  EXPECT_EQ(batch.changes[0].element.id, "orders:2");
  EXPECT_EQ(prop(batch.changes[0].before, "id"), Value(2));
  EXPECT_EQ(batch.changes[1].op, ChangeOp::Insert);
  EXPECT_EQ(batch.changes[1].element.id, "orders:10");
  EXPECT_EQ(prop(batch.changes[1].element.properties, "id"), Value(10));
}

TEST_F(EmbeddedTest, CompositeKeysJoinWithUnderscore) {
  auto shop = startedShop();
  shop->executeSql("UPDATE line_items SET line_no = 5 WHERE order_id = 1 AND line_no = 2");
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 2u);
  EXPECT_EQ(batch.changes[0].op, ChangeOp::Delete);
  EXPECT_EQ(batch.changes[0].element.id, "line_items:1_2");
  EXPECT_EQ(batch.changes[1].op, ChangeOp::Insert);
  EXPECT_EQ(batch.changes[1].element.id, "line_items:1_5");
}

TEST_F(EmbeddedTest, TableWithoutDeclaredKeyUsesRowid) {
  auto shop = startedShop();
  shop->executeSql("INSERT INTO notes (body) VALUES ('second')");
  shop->executeSql("UPDATE notes SET body = 'edited' WHERE body = 'first note'");
  const auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].changes[0].element.id, "notes:2");
  EXPECT_EQ(batches[1].changes[0].element.id, "notes:1");
  EXPECT_EQ(batches[1].changes[0].op, ChangeOp::Update);
}

TEST_F(EmbeddedTest, ReplaceFoldsIntoOneUpdate) {
  auto shop = startedShop();
  shop->executeSql("REPLACE INTO line_items (order_id, line_no, sku, qty) VALUES (1, 1, 'mug', 7)");
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 1u);
  EXPECT_EQ(batch.changes[0].op, ChangeOp::Update);
  EXPECT_EQ(prop(batch.changes[0].before, "qty"), Value(2));
  EXPECT_EQ(prop(batch.changes[0].element.properties, "qty"), Value(7));
}

TEST_F(EmbeddedTest, InsertThenDeleteInOneRequestDeliversNothing) {
  auto shop = startedShop();
  shop->executeSql("INSERT INTO notes (body) VALUES ('tmp'); DELETE FROM notes WHERE body = 'tmp'");
  EXPECT_EQ(sink_.size(), 0u);
}

TEST_F(EmbeddedTest, ReadOnlyRequestDeliversNothing) {
  auto shop = startedShop();
  shop->executeSql("SELECT * FROM orders");
  shop->executeSql("UPDATE orders SET status = 'x' WHERE id = 999");
  EXPECT_EQ(sink_.size(), 0u);
}

TEST_F(EmbeddedTest, DeleteWithoutWhereIsCapturedRowByRow) {
  auto shop = startedShop();
  shop->executeSql("DELETE FROM line_items");
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 2u);
  EXPECT_EQ(batch.changes[0].op, ChangeOp::Delete);
  EXPECT_EQ(batch.changes[1].element.id, "line_items:1_2");
}

TEST_F(EmbeddedTest, DropTableDeletesItsRows) {
  auto shop = startedShop();
  shop->executeSql("INSERT INTO notes (body) VALUES ('second'); DROP TABLE notes");
  ASSERT_EQ(sink_.size(), 1u);
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 1u);  // notes:2 was inserted and dropped in the same request
  EXPECT_EQ(batch.changes[0].op, ChangeOp::Delete);
  EXPECT_EQ(batch.changes[0].element.id, "notes:1");
  EXPECT_EQ(prop(batch.changes[0].before, "body"), Value("first note"));
  EXPECT_EQ(shop->tables().size(), 4u);
}

TEST_F(EmbeddedTest, NewTablesAreCapturedInTheRequestThatCreatesThem) {
  auto shop = startedShop();
  shop->executeSql(
      "CREATE TABLE events (at DATETIME NOT NULL, name TEXT, PRIMARY KEY (name, at));"
      "INSERT INTO events VALUES ('2024-05-01T09:30:00Z', 'login')");
  const core::ChangeBatch batch = sink_.last();
  ASSERT_EQ(batch.changes.size(), 1u);
  EXPECT_EQ(batch.changes[0].element.id, "events:login_2024-05-01T09:30:00Z");
  EXPECT_EQ(prop(batch.changes[0].element.properties, "at"), at(kStartMs - 9'000'000));
}

TEST_F(EmbeddedTest, ConcurrentWritersDeliverInCommitOrder) {
  auto shop = startedShop();
  auto writer = [&] {
    for (int i = 0; i < 50; ++i) {
      shop->insertRow("notes", {{"body", Value("n")}});
    }
  };
  std::thread a(writer);
  std::thread b(writer);
  a.join();
  b.join();
  const auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 100u);
  // Rowids are assigned in commit order, so delivery order shows up as increasing ids.
  for (size_t i = 0; i < batches.size(); ++i) {
    ASSERT_EQ(batches[i].changes.size(), 1u);
    EXPECT_EQ(batches[i].changes[0].element.id, "notes:" + std::to_string(i + 2));
  }
}

}  // namespace
}  // namespace livedash::sources::testing
