// tests/unit/sources/embedded_errors_test.cpp
//
// Failed writes deliver nothing and leave nothing behind; every error has the right code.
#include <gtest/gtest.h>

#include "embedded_test_support.hpp"

namespace livedash::sources::testing {
namespace {

using core::ErrorCode;
using core::Value;
using ::testing::HasSubstr;

int64_t countRows(EmbeddedSource& source, const std::string& table) {
  return source.executeSql("SELECT count(*) FROM " + table).rows.at(0).at(0).asInteger();
}

TEST_F(EmbeddedTest, NotNullViolationRollsBackTheWholeRequest) {
  auto shop = startedShop();
  const core::Error e = expectError(ErrorCode::ConstraintViolation, [&] {
    shop->executeSql(
        "INSERT INTO notes (body) VALUES ('kept?');"
        "INSERT INTO orders (customer_id, total) VALUES (1, 5)");
  });
  EXPECT_THAT(e.what(), HasSubstr("NOT NULL constraint failed: orders.customer_name"));
  EXPECT_EQ(core::errorCodeHttpStatus(e.code()), 400);
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "notes"), 1);
  EXPECT_EQ(countRows(*shop, "orders"), 2);
}

TEST_F(EmbeddedTest, UniqueViolationIsAConstraintError) {
  auto shop = startedShop();
  const core::Error e = expectError(ErrorCode::ConstraintViolation, [&] {
    shop->insertRow("customers", {{"name", Value("Ann 2")}, {"email", Value("ann@example.com")}});
  });
  EXPECT_THAT(e.what(), HasSubstr("UNIQUE constraint failed: customers.email"));
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "customers"), 3);
}

TEST_F(EmbeddedTest, ForeignKeysAreEnforced) {
  auto shop = startedShop();
  EXPECT_EQ(shop->executeSql("PRAGMA foreign_keys").rows.at(0).at(0), Value(1));
  const core::Error e = expectError(ErrorCode::ConstraintViolation, [&] {
    shop->executeSql("INSERT INTO payments (order_id, amount) VALUES (999, 1.5)");
  });
  EXPECT_THAT(e.what(), HasSubstr("FOREIGN KEY constraint failed"));
  expectError(ErrorCode::ConstraintViolation, [&] { shop->deleteRow("orders", "1"); });
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "payments"), 1);
  EXPECT_EQ(countRows(*shop, "orders"), 2);
}

TEST_F(EmbeddedTest, BadSqlIsASqlErrorWithSqlitesMessage) {
  auto shop = startedShop();
  core::Error e = expectError(ErrorCode::SqlError, [&] { shop->executeSql("SELEC 1"); });
  EXPECT_THAT(e.what(), HasSubstr("near \"SELEC\": syntax error"));
  e = expectError(ErrorCode::SqlError, [&] {
    shop->executeSql("INSERT INTO notes (body) VALUES ('x'); SELECT * FROM nope");
  });
  EXPECT_THAT(e.what(), HasSubstr("no such table: nope"));
  EXPECT_EQ(core::errorCodeHttpStatus(e.code()), 400);
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "notes"), 1);
}

TEST_F(EmbeddedTest, TransactionControlAndSettingsAreRejected) {
  auto shop = startedShop();
  for (const char* sql :
       {"BEGIN; INSERT INTO notes (body) VALUES ('x'); COMMIT;", "COMMIT", "ROLLBACK",
        "SAVEPOINT a", "PRAGMA foreign_keys = OFF", "ATTACH DATABASE ':memory:' AS other"}) {
    const core::Error e = expectError(ErrorCode::BadRequest, [&] { shop->executeSql(sql); });
    EXPECT_THAT(e.what(), HasSubstr("each request is one transaction")) << sql;
  }
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "notes"), 1);
  // Reading PRAGMAs is fine, and foreign keys are still on.
  EXPECT_EQ(shop->executeSql("PRAGMA table_info(orders)").rows.size(), 8u);
  expectError(ErrorCode::ConstraintViolation, [&] {
    shop->executeSql("INSERT INTO payments (order_id, amount) VALUES (999, 1.5)");
  });
}

TEST_F(EmbeddedTest, UnknownTableIsNotFoundWithAHint) {
  auto shop = startedShop();
  const core::Error e = expectError(ErrorCode::NotFound, [&] { shop->getRow("order", "1"); });
  EXPECT_THAT(e.what(), HasSubstr("unknown table 'order'"));
  EXPECT_EQ(e.hint(), "did you mean 'orders'?");
  EXPECT_EQ(core::errorCodeHttpStatus(e.code()), 404);
  expectError(ErrorCode::NotFound, [&] { shop->insertRow("nope", {}); });
  expectError(ErrorCode::NotFound, [&] { shop->listRows("nope", 10, 0); });
}

TEST_F(EmbeddedTest, UnknownRowIsNotFound) {
  auto shop = startedShop();
  expectError(ErrorCode::NotFound, [&] { shop->getRow("orders", "99"); });
  expectError(ErrorCode::NotFound, [&] { shop->getRow("orders", "abc"); });
  expectError(ErrorCode::NotFound, [&] { shop->getRow("notes", "x"); });
  expectError(ErrorCode::NotFound, [&] { shop->deleteRow("orders", "99"); });
  expectError(ErrorCode::NotFound, [&] {
    shop->updateRow("orders", "99", {{"status", Value("x")}});
  });
  EXPECT_EQ(sink_.size(), 0u);
}

TEST_F(EmbeddedTest, UnknownColumnIsABadRequestWithAHint) {
  auto shop = startedShop();
  const core::Error e = expectError(ErrorCode::BadRequest, [&] {
    shop->insertRow("orders", {{"customer_name", Value("Zed")}, {"totl", Value(5)}});
  });
  EXPECT_THAT(e.what(), HasSubstr("unknown column 'totl' in table 'orders'"));
  EXPECT_EQ(e.hint(), "did you mean 'total'?");
  expectError(ErrorCode::BadRequest, [&] { shop->updateRow("orders", "1", {{"nope", Value(1)}}); });
  EXPECT_EQ(sink_.size(), 0u);
}

TEST_F(EmbeddedTest, BadValuesAreBadRequests) {
  auto shop = startedShop();
  const core::Map base{{"customer_name", Value("Zed")}, {"total", Value(5)}};
  auto with = [&](const char* column, Value value) {
    core::Map m = base;
    m.insert_or_assign(column, std::move(value));
    return m;
  };
  core::Error e = expectError(ErrorCode::BadRequest,
                              [&] { shop->insertRow("orders", with("total", Value("abc"))); });
  EXPECT_THAT(e.what(), HasSubstr("column 'total' expects a number"));
  expectError(ErrorCode::BadRequest,
              [&] { shop->insertRow("orders", with("customer_id", Value("one"))); });
  expectError(ErrorCode::BadRequest,
              [&] { shop->insertRow("orders", with("created_at", Value("yesterday"))); });
  expectError(ErrorCode::BadRequest,
              [&] { shop->insertRow("orders", with("rush", Value("maybe"))); });
  expectError(ErrorCode::BadRequest,
              [&] { shop->insertRow("orders", with("status", Value(core::List{Value(1)}))); });
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(countRows(*shop, "orders"), 2);
}

TEST_F(EmbeddedTest, BrokenSchemaFileIsAConfigErrorNamingTheFile) {
  EmbeddedSourceOptions o = options();
  o.schema_files = {writeFile("broken.sql", "CREATE TABLE a (x INTEGER);\nCREATE TABLEE b;")};
  EmbeddedSource source(o);
  const core::Error e = expectError(ErrorCode::ConfigInvalid, [&] { source.start(sink_); });
  EXPECT_THAT(e.what(), HasSubstr("broken.sql"));
  EXPECT_THAT(e.what(), HasSubstr("syntax error"));
  EXPECT_EQ(sink_.size(), 0u);

  o.schema_files = {(dir_ / "missing.sql").string()};
  EmbeddedSource missing(o);
  const core::Error m = expectError(ErrorCode::ConfigInvalid, [&] { missing.open(); });
  EXPECT_THAT(m.what(), HasSubstr("missing.sql"));
}

TEST_F(EmbeddedTest, UnopenableFileIsSourceUnavailable) {
  EmbeddedSource source(options((dir_ / "no-such-dir" / "x.db").string()));
  const core::Error e = expectError(ErrorCode::SourceUnavailable, [&] { source.open(); });
  EXPECT_EQ(core::errorCodeHttpStatus(e.code()), 503);
}

}  // namespace
}  // namespace livedash::sources::testing
