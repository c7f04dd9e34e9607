// tests/unit/sources/embedded_values_test.cpp
//
// The pure parts: timestamp text, declared-type mapping, and per-element coalescing.
#include <gtest/gtest.h>

#include "sources/embedded/change_builder.hpp"
#include "sources/embedded/sql_timestamp.hpp"
#include "sources/embedded/table_catalog.hpp"

namespace livedash::sources::embedded {
namespace {

using core::ChangeOp;
using core::Value;

constexpr int64_t kMay1Noon = 1'714'564'800'000;

TEST(SqlTimestamp, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(formatSqlTimestamp(kMay1Noon + 7), "2024-05-01 12:00:00.007");
  EXPECT_EQ(formatSqlTimestamp(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(formatSqlTimestamp(-1), "1969-12-31 23:59:59.999");
  EXPECT_EQ(formatSqlTimestamp(951'782'400'000), "2000-02-29 00:00:00.000");
}

TEST(SqlTimestamp, ParsesSqliteAndIsoForms) {
  EXPECT_EQ(parseSqlTimestamp("2024-05-01 12:00:00"), kMay1Noon);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01 12:00:00.5"), kMay1Noon + 500);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01 12:00:00.123456"), kMay1Noon + 123);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01T12:00:00Z"), kMay1Noon);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01T12:00:00.250Z"), kMay1Noon + 250);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01T14:00:00+02:00"), kMay1Noon);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01T07:30-0430"), kMay1Noon);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01 12:00"), kMay1Noon);
  EXPECT_EQ(parseSqlTimestamp("2024-05-01"), kMay1Noon - 12 * 3'600'000);
  EXPECT_EQ(parseSqlTimestamp("1969-12-31 23:59:59.999"), -1);
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-05-01 25:00:00",
                          "2024-05-01 12:00:00 junk", "2024-5-1", "2024-05-01 12:00:00."}) {
    EXPECT_EQ(parseSqlTimestamp(bad), std::nullopt) << bad;
  }
  for (int64_t ms :
       {int64_t{0}, kMay1Noon + 999, int64_t{-86'400'001}, int64_t{4'102'444'800'000}}) {
    EXPECT_EQ(parseSqlTimestamp(formatSqlTimestamp(ms)), ms);
  }
}

TEST(ColumnKind, FollowsTheDeclaredType) {
  EXPECT_EQ(columnKindForDeclType("TIMESTAMP"), ColumnKind::DateTime);
  EXPECT_EQ(columnKindForDeclType("timestamp with time zone"), ColumnKind::DateTime);
  EXPECT_EQ(columnKindForDeclType("DATETIME"), ColumnKind::DateTime);
  EXPECT_EQ(columnKindForDeclType("DATE"), ColumnKind::DateTime);
  EXPECT_EQ(columnKindForDeclType("BOOLEAN"), ColumnKind::Bool);
  EXPECT_EQ(columnKindForDeclType("INTEGER"), ColumnKind::Integer);
  EXPECT_EQ(columnKindForDeclType("BIGINT"), ColumnKind::Integer);
  EXPECT_EQ(columnKindForDeclType("VARCHAR(30)"), ColumnKind::Text);
  EXPECT_EQ(columnKindForDeclType("DECIMAL(10,2)"), ColumnKind::Float);
  EXPECT_EQ(columnKindForDeclType("double precision"), ColumnKind::Float);
  EXPECT_EQ(columnKindForDeclType(""), ColumnKind::Any);
  EXPECT_EQ(columnKindForDeclType("BLOB"), ColumnKind::Any);
}

core::Change change(ChangeOp op, const std::string& id, core::Map after, core::Map before = {}) {
  core::Change c;
  c.op = op;
  c.element.id = id;
  c.element.labels = {"t"};
  c.element.properties = std::move(after);
  c.before = std::move(before);
  return c;
}

TEST(CoalesceChanges, KeepsTheNetEffectPerElementInFirstSeenOrder) {
  const core::Map v1{{"v", Value(1)}};
  const core::Map v2{{"v", Value(2)}};
  const core::Map v3{{"v", Value(3)}};
  std::vector<core::Change> in;
  in.push_back(change(ChangeOp::Update, "t:a", v2, v1));
  in.push_back(change(ChangeOp::Insert, "t:b", v1));
  in.push_back(change(ChangeOp::Update, "t:a", v3, v2));
  in.push_back(change(ChangeOp::Update, "t:b", v2, v1));
  in.push_back(change(ChangeOp::Insert, "t:c", v1));
  in.push_back(change(ChangeOp::Delete, "t:c", v1, v1));
  in.push_back(change(ChangeOp::Update, "t:d", v2, v1));
  in.push_back(change(ChangeOp::Delete, "t:d", v2, v2));
  in.push_back(change(ChangeOp::Delete, "t:e", v1, v1));
  in.push_back(change(ChangeOp::Insert, "t:e", v3));
  const std::vector<core::Change> out = coalesceChanges(std::move(in));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].op, ChangeOp::Update);
  EXPECT_EQ(out[0].element.id, "t:a");
  EXPECT_EQ(out[0].before, v1);
  EXPECT_EQ(out[0].element.properties, v3);
  EXPECT_EQ(out[1].op, ChangeOp::Insert);
  EXPECT_EQ(out[1].element.properties, v2);
  EXPECT_TRUE(out[1].before.empty());
  EXPECT_EQ(out[2].op, ChangeOp::Delete);
  EXPECT_EQ(out[2].element.id, "t:d");
  EXPECT_EQ(out[2].before, v1);
  EXPECT_EQ(out[3].op, ChangeOp::Update);
  EXPECT_EQ(out[3].element.id, "t:e");
  EXPECT_EQ(out[3].before, v1);
  EXPECT_EQ(out[3].element.properties, v3);
}

}  // namespace
}  // namespace livedash::sources::embedded
