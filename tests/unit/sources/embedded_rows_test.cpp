// tests/unit/sources/embedded_rows_test.cpp
//
// The row API (REST row CRUD) and executeSql results, round trip.
#include <gtest/gtest.h>

#include "embedded_test_support.hpp"

namespace livedash::sources::testing {
namespace {

using core::ChangeOp;
using core::Value;

TEST_F(EmbeddedTest, InsertReturnsTheStoredRowWithDefaults) {
  auto shop = startedShop();
  const core::Map row = shop->insertRow("orders", {{"customer_id", Value(2)},
                                                   {"customer_name", Value("Ben Ode")},
                                                   {"total", Value("19.90")},
                                                   {"rush", Value(true)}});
  EXPECT_EQ(prop(row, "id"), Value(3));
  EXPECT_EQ(prop(row, "status"), Value("pending"));
  EXPECT_EQ(prop(row, "total"), Value(19.9));
  EXPECT_EQ(prop(row, "rush"), Value(true));
  EXPECT_EQ(prop(row, "created_at"), at(kStartMs));
  EXPECT_EQ(row.size(), 8u);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().changes.at(0).element.properties, row);
}

TEST_F(EmbeddedTest, UpdateIsPartialAndReturnsTheRowAfterTriggers) {
  auto shop = startedShop();
  clock_.advanceMs(90'000);
  const core::Map row = shop->updateRow("orders", "1", {{"status", Value("shipped")}});
  EXPECT_EQ(prop(row, "status"), Value("shipped"));
  EXPECT_EQ(prop(row, "customer_name"), Value("Ann Lee"));
  EXPECT_EQ(prop(row, "updated_at"), at(kStartMs + 90'000));
  EXPECT_EQ(shop->getRow("orders", "1"), row);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().changes.at(0).op, ChangeOp::Update);
  // Nothing to set: the row comes back unchanged and nothing is delivered.
  EXPECT_EQ(shop->updateRow("orders", "1", {}), row);
  EXPECT_EQ(sink_.size(), 1u);
}

TEST_F(EmbeddedTest, UpdateCanMoveTheKey) {
  auto shop = startedShop();
  const core::Map row = shop->updateRow("orders", "2", {{"id", Value(20)}});
  EXPECT_EQ(prop(row, "id"), Value(20));
  EXPECT_EQ(sink_.last().changes.size(), 2u);
  EXPECT_NO_THROW(shop->getRow("orders", "20"));
}

TEST_F(EmbeddedTest, DeleteRemovesTheRow) {
  auto shop = startedShop();
  shop->deleteRow("line_items", "1_2");
  EXPECT_THROW(shop->getRow("line_items", "1_2"), core::Error);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().changes.at(0).op, ChangeOp::Delete);
  EXPECT_EQ(sink_.last().changes.at(0).element.id, "line_items:1_2");
}

TEST_F(EmbeddedTest, RowsAreFoundByCompositeAndRowidKeys) {
  auto shop = startedShop();
  EXPECT_EQ(prop(shop->getRow("line_items", "1_2"), "sku"), Value("tea"));
  EXPECT_EQ(prop(shop->getRow("notes", "1"), "body"), Value("first note"));
  const core::Map note = shop->insertRow("notes", {{"body", Value("second")}});
  EXPECT_EQ(note, (core::Map{{"body", Value("second")}}));
  EXPECT_EQ(sink_.last().changes.at(0).element.id, "notes:2");
  shop->updateRow("notes", "2", {{"body", Value("edited")}});
  EXPECT_EQ(prop(shop->getRow("notes", "2"), "body"), Value("edited"));
}

TEST_F(EmbeddedTest, KeyValuesContainingUnderscoresStillMatch) {
  auto shop = startedShop();
  shop->executeSql(
      "CREATE TABLE tags (scope TEXT, name TEXT, PRIMARY KEY (scope, name));"
      "INSERT INTO tags VALUES ('a_b', 'c'), ('a', 'b_d')");
  EXPECT_EQ(sink_.last().changes.at(0).element.id, "tags:a_b_c");
  EXPECT_EQ(prop(shop->getRow("tags", "a_b_c"), "scope"), Value("a_b"));
  EXPECT_EQ(prop(shop->getRow("tags", "a_b_d"), "name"), Value("b_d"));
  shop->deleteRow("tags", "a_b_c");
  EXPECT_EQ(shop->listRows("tags", 10, 0).size(), 1u);
}

TEST_F(EmbeddedTest, ListRowsPagesInKeyOrder) {
  auto shop = startedShop();
  const auto all = shop->listRows("customers", 100, 0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(prop(all[0], "name"), Value("Ann Lee"));
  const auto page = shop->listRows("customers", 1, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(prop(page[0], "id"), Value(2));
  EXPECT_TRUE(shop->listRows("customers", 10, 3).empty());
}

TEST_F(EmbeddedTest, DateTimesAreWrittenAsSqlTimestamps) {
  auto shop = startedShop();
  const int64_t when = kStartMs - 86'400'000 + 5;
  shop->updateRow("orders", "1", {{"created_at", Value(core::DateTime{when})}});
  const SqlResult r =
      shop->executeSql("SELECT created_at, created_at || '' FROM orders WHERE id = 1");
  EXPECT_EQ(r.rows.at(0).at(0), at(when));
  EXPECT_EQ(r.rows.at(0).at(1), Value("2024-04-30 12:00:00.005"));
  shop->updateRow("orders", "1", {{"created_at", Value("2024-04-30T13:00:00+01:00")}});
  EXPECT_EQ(prop(shop->getRow("orders", "1"), "created_at"), at(when - 5));
}

TEST_F(EmbeddedTest, TablesDescribeColumnsAndKeys) {
  auto shop = startedShop();
  const std::vector<TableInfo> tables = shop->tables();
  std::vector<std::string> names;
  for (const TableInfo& t : tables) {
    names.push_back(t.name);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"customers", "line_items", "notes", "orders", "payments"}));
  const TableInfo& orders = tables[3];
  ASSERT_EQ(orders.columns.size(), 8u);
  EXPECT_EQ(orders.columns[0].name, "id");
  EXPECT_EQ(orders.columns[0].declared_type, "INTEGER");
  EXPECT_EQ(orders.columns[0].pk, 1);
  EXPECT_EQ(orders.columns[4].declared_type, "DECIMAL(10,2)");
  EXPECT_EQ(orders.columns[4].pk, 0);
  const TableInfo& items = tables[1];
  EXPECT_EQ(items.columns[0].pk, 1);
  EXPECT_EQ(items.columns[1].pk, 2);
  EXPECT_FALSE(tables[2].hasDeclaredKey());
}

TEST_F(EmbeddedTest, ExecuteSqlReturnsTheLastResultAndCountsChanges) {
  auto shop = startedShop();
  SqlResult r = shop->executeSql(
      "SELECT 1; UPDATE orders SET status = 'x'; SELECT id, status, total FROM orders ORDER BY id");
  EXPECT_EQ(r.changes, 2);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"id", "status", "total"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], (core::List{Value(2), Value("x"), Value(80.0)}));
  EXPECT_FALSE(r.truncated);

  r = shop->executeSql("INSERT INTO notes (body) VALUES ('a'), ('b') RETURNING rowid, body");
  EXPECT_EQ(r.changes, 2);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], (core::List{Value(2), Value("a")}));

  r = shop->executeSql("CREATE INDEX orders_status ON orders (status); -- trailing comment");
  EXPECT_EQ(r.changes, 0);
  EXPECT_TRUE(r.columns.empty());

  r = shop->executeSql("  ");
  EXPECT_EQ(r.changes, 0);
  EXPECT_EQ(sink_.size(), 2u);
}

TEST_F(EmbeddedTest, ExecuteSqlTruncatesLongResults) {
  EmbeddedSourceOptions o = options();
  o.max_result_rows = 2;
  EmbeddedSource shop(o);
  const SqlResult r = shop.executeSql("SELECT * FROM customers");
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_TRUE(r.truncated);
}

}  // namespace
}  // namespace livedash::sources::testing
