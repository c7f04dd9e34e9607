// tests/integration/sources/pg_value_pg_test.cpp
//
// textToValue against what a real PostgreSQL 15 prints: one value of each mapped type, selected
// as text with the session settings PgConnection uses (DateStyle=ISO, IntervalStyle=iso_8601,
// TimeZone=UTC), then timestamptz in Asia/Kolkata and intervals in the postgres style. Each
// query also returns the value's type OID, so the OID constants are checked too. Sweeps compare
// instants and intervals with the server's own arithmetic (extract(epoch …)).
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "sources/postgres/pg_value.hpp"
#include "support/postgres_cluster.hpp"

namespace livedash::sources::postgres {
namespace {

using core::DateTime;
using core::Duration;
using core::List;
using core::Map;
using core::Value;
using testing::PostgresCluster;

constexpr int64_t kMay1Noon = 1'714'564'800'000;  // 2024-05-01 12:00:00 UTC
constexpr int64_t kHour = 3'600'000;

Value dt(int64_t ms) {
  return Value(DateTime{ms});
}
Value dec(std::string_view text) {
  return Value(core::parseDecimal(text).value());
}
Value list(std::initializer_list<Value> items) {
  return Value(List(items));
}

struct Case {
  std::string sql;  //!< a SELECT expression
  Value expected;
};

class PgValueServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (PostgresCluster::available()) {
      cluster_ = PostgresCluster::start();
    }
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    if (!cluster_) {
      GTEST_SKIP() << "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin); run "
                      "scripts/install-deps.sh --test to install it";
    }
    setSession("UTC", "iso_8601");
  }

  static void setSession(const std::string& time_zone, const std::string& interval_style) {
    cluster_->execute("SET DateStyle = ISO; SET IntervalStyle = " + interval_style +
                      "; SET TimeZone = '" + time_zone + "'");
  }

  //! The text and type OID of one expression.
  static std::pair<std::string, Oid> select(const std::string& sql) {
    auto rows = cluster_->query("SELECT x, pg_typeof(x)::oid FROM (SELECT " + sql + " AS x) s");
    if (rows.size() != 1 || !rows[0][0] || !rows[0][1]) {
      ADD_FAILURE() << sql << " gave no single non-NULL value";
      return {"", 0};
    }
    return {*rows[0][0], static_cast<Oid>(std::stoul(*rows[0][1]))};
  }

  static void check(const Case& c, Oid expected_type) {
    const auto [text, type] = select(c.sql);
    EXPECT_EQ(type, expected_type) << c.sql;
    try {
      const Value actual = textToValue(type, text);
      EXPECT_EQ(actual.kind(), c.expected.kind()) << c.sql << " printed as " << text;
      EXPECT_TRUE(actual == c.expected)
          << c.sql << " printed as " << text << ": " << core::toJson(actual) << " is not "
          << core::toJson(c.expected);
    } catch (const core::Error& e) {
      ADD_FAILURE() << c.sql << " printed as " << text << ": " << e.what();
    }
  }

  static std::unique_ptr<PostgresCluster> cluster_;
};

std::unique_ptr<PostgresCluster> PgValueServer::cluster_;

TEST_F(PgValueServer, Scalars) {
  const std::pair<Oid, Case> cases[] = {
      {type_oid::kBool, {"true", Value(true)}},
      {type_oid::kBool, {"false", Value(false)}},
      {type_oid::kInt2, {"(-32768)::int2", Value(-32768)}},
      {type_oid::kInt4, {"2147483647", Value(2147483647)}},
      {type_oid::kInt8,
       {"(-9223372036854775808)::int8", Value(std::numeric_limits<int64_t>::min())}},
      {type_oid::kInt8, {"9223372036854775807::int8", Value(std::numeric_limits<int64_t>::max())}},
      {type_oid::kOid, {"4294967295::oid", Value(int64_t{4294967295})}},
      {type_oid::kFloat4, {"1.1::float4", Value(1.1)}},
      {type_oid::kFloat4, {"3.4e38::float4", Value(3.4e38)}},
      {type_oid::kFloat8, {"1e-5::float8", Value(1e-5)}},
      {type_oid::kFloat8, {"1e100::float8", Value(1e100)}},
      {type_oid::kFloat8, {"'-Infinity'::float8", Value(-std::numeric_limits<double>::infinity())}},
      {type_oid::kNumeric, {"449.99::numeric", dec("449.99")}},
      {type_oid::kNumeric, {"42::numeric", Value(42)}},
      {type_oid::kNumeric, {"1.50::numeric", dec("1.5")}},
      {type_oid::kNumeric, {"0.1::numeric(10,2)", dec("0.1")}},
      {type_oid::kNumeric,
       {"123456789012345678901234567890::numeric", dec("123456789012345678901234567890")}},
      {type_oid::kNumeric,
       {"1234567890123456789.0123456789012345678::numeric",
        dec("1234567890123456789.0123456789012345678")}},
      {type_oid::kNumeric,
       {"1234567890123456789.01234567890123456789::numeric",
        Value(1234567890123456789.01234567890123456789)}},
      {type_oid::kNumeric,
       {"(-9223372036854775808)::numeric", Value(std::numeric_limits<int64_t>::min())}},
      {type_oid::kNumeric, {"1e30::numeric", dec("1000000000000000000000000000000")}},
      {type_oid::kNumeric, {"1e40::numeric", Value(1e40)}},
      {type_oid::kNumeric, {"'Infinity'::numeric", Value(std::numeric_limits<double>::infinity())}},
      {type_oid::kText, {"'a \"quoted\" \\ text'::text", Value("a \"quoted\" \\ text")}},
      {type_oid::kVarchar, {"'v'::varchar(10)", Value("v")}},
      {type_oid::kBpchar, {"'abc'::char(5)", Value("abc  ")}},
      {type_oid::kName, {"'orders'::name", Value("orders")}},
      {type_oid::kChar, {"'a'::\"char\"", Value("a")}},
      {type_oid::kUuid,
       {"'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid",
        Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")}},
      {type_oid::kTime, {"'12:34:56.789'::time", Value("12:34:56.789")}},
      {type_oid::kBytea, {"'\\x00ff'::bytea", Value("\\x00ff")}},
      {1266, {"'12:00+05:30'::timetz", Value("12:00:00+05:30")}},
      {type_oid::kJsonb,
       {R"('{"b":[1,{"c":null}],"a":1.5,"d":{"e":"x"}}'::jsonb)",
        Value(Map{{"a", Value(1.5)},
                  {"b", list({Value(1), Value(Map{{"c", Value()}})})},
                  {"d", Value(Map{{"e", Value("x")}})}})}},
      {type_oid::kJson, {R"('  {"b" : 1}'::json)", Value(Map{{"b", Value(1)}})}},
      {type_oid::kJsonb, {"'\"s\"'::jsonb", Value("s")}},
  };
  for (const auto& [type, c] : cases) {
    check(c, type);
  }
  EXPECT_TRUE(std::isnan(textToValue(type_oid::kFloat8, select("'NaN'::float8").first).asFloat()));
  EXPECT_TRUE(
      std::isnan(textToValue(type_oid::kNumeric, select("'NaN'::numeric").first).asFloat()));
  // numeric beyond double's range saturates.
  EXPECT_EQ(textToValue(type_oid::kNumeric, select("10::numeric ^ 400").first).asFloat(),
            std::numeric_limits<double>::infinity());
}

TEST_F(PgValueServer, DatesAndTimestamps) {
  const std::pair<Oid, Case> cases[] = {
      {type_oid::kTimestamptz, {"'2024-05-01 12:00:00+00'::timestamptz", dt(kMay1Noon)}},
      {type_oid::kTimestamptz,
       {"'2024-05-01 12:00:00.123456+00'::timestamptz", dt(kMay1Noon + 123)}},
      {type_oid::kTimestamptz,
       {"'0044-03-15 12:00:00+00 BC'::timestamptz", dt(-63'517'780'800'000)}},
      {type_oid::kTimestamptz, {"'infinity'::timestamptz", Value("infinity")}},
      {type_oid::kTimestamp, {"'2024-05-01 12:00:00.5'::timestamp", dt(kMay1Noon + 500)}},
      {type_oid::kTimestamp, {"'0044-03-15 12:00:00 BC'::timestamp", dt(-63'517'780'800'000)}},
      {type_oid::kTimestamp, {"'12345-01-01'::timestamp", dt(327'403'382'400'000)}},
      {type_oid::kTimestamp, {"'-infinity'::timestamp", Value("-infinity")}},
      {type_oid::kDate, {"'2024-05-01'::date", dt(kMay1Noon - 12 * kHour)}},
      {type_oid::kDate, {"'0001-01-01 BC'::date", dt(-62'167'219'200'000)}},
      {type_oid::kDate, {"'5874897-12-31'::date", dt(185'331'706'992'000'000)}},
  };
  for (const auto& [type, c] : cases) {
    check(c, type);
  }
}

TEST_F(PgValueServer, TimestamptzInKolkata) {
  setSession("Asia/Kolkata", "iso_8601");
  EXPECT_EQ(select("'2024-05-01 12:00:00.5+00'::timestamptz").first, "2024-05-01 17:30:00.5+05:30");
  const std::pair<Oid, Case> cases[] = {
      {type_oid::kTimestamptz, {"'2024-05-01 12:00:00.5+00'::timestamptz", dt(kMay1Noon + 500)}},
      // Before 1941 the zone is on local mean time, printed with seconds: +05:53:28.
      {type_oid::kTimestamptz, {"'1850-01-01 00:00:00+00'::timestamptz", dt(-3'786'825'600'000)}},
      {type_oid::kTimestamptz,
       {"'0044-03-15 12:00:00+00 BC'::timestamptz", dt(-63'517'780'800'000)}},
      {1185,
       {"ARRAY['2024-05-01 12:00:00+00'::timestamptz, NULL]", list({dt(kMay1Noon), Value()})}},
  };
  for (const auto& [type, c] : cases) {
    check(c, type);
  }
}

TEST_F(PgValueServer, InstantsSweepAgreesWithTheServer) {
  for (const char* zone : {"UTC", "Asia/Kolkata", "America/St_Johns"}) {
    setSession(zone, "iso_8601");
    auto rows = cluster_->query(
        "SELECT t::text, t::timestamp::text, floor(extract(epoch FROM t) * 1000)::int8, "
        "       floor(extract(epoch FROM t::timestamp) * 1000)::int8 "
        "FROM generate_series('0100-01-01 00:00:00+00'::timestamptz, '2400-01-01', "
        "                     '1997 days 13:17:19.123457') t");
    ASSERT_GT(rows.size(), 200u);
    for (const auto& row : rows) {
      const int64_t tz_ms = std::stoll(*row[2]);
      const int64_t local_ms = std::stoll(*row[3]);
      EXPECT_EQ(textToValue(type_oid::kTimestamptz, *row[0]), dt(tz_ms)) << zone << " " << *row[0];
      EXPECT_EQ(textToValue(type_oid::kTimestamp, *row[1]), dt(local_ms)) << *row[1];
    }
  }
}

TEST_F(PgValueServer, Intervals) {
  const Case cases[] = {
      {"'1 year 2 mons 3 days 04:05:06.5'::interval",
       Value(Duration{14, 3, 4 * kHour + 5 * 60'000 + 6'500})},
      {"'-1 year -2 mons +3 days -04:05:06.5'::interval",
       Value(Duration{-14, 3, -(4 * kHour + 5 * 60'000 + 6'500)})},
      {"'0'::interval", Value(Duration{})},
      {"'-0.5 s'::interval", Value(Duration{0, 0, -500})},
      {"'100 hours'::interval", Value(Duration{0, 0, 100 * kHour})},
      {"'1 mon -1 sec'::interval", Value(Duration{1, 0, -1000})},
      {"'2 weeks'::interval", Value(Duration{0, 14, 0})},
      {"'0.000001 s'::interval", Value(Duration{})},
  };
  for (const char* style : {"iso_8601", "postgres"}) {
    setSession("UTC", style);
    for (const Case& c : cases) {
      check(c, type_oid::kInterval);
    }
  }
}

TEST_F(PgValueServer, IntervalSweepAgreesWithTheServer) {
  for (const char* style : {"iso_8601", "postgres"}) {
    setSession("UTC", style);
    // The time part is what is left once months and days are taken out; it truncates toward
    // zero to milliseconds, as the parser does.
    auto rows = cluster_->query(
        "SELECT i::text, m, d, trunc(extract(epoch FROM i - make_interval(months => m, days => "
        "d)) * 1000)::int8 FROM ("
        "  SELECT i, (extract(year FROM i) * 12 + extract(month FROM i))::int AS m,"
        "         extract(day FROM i)::int AS d FROM ("
        "    SELECT make_interval(years => g % 7 - 3, months => g % 11 - 5, days => g % 13 - 6,"
        "                         hours => g % 5 - 2, mins => g * 7 % 60,"
        "                         secs => (g * 1.2345678) % 60 * (g % 3 - 1)) AS i"
        "    FROM generate_series(1, 300) g) s) t");
    ASSERT_EQ(rows.size(), 300u);
    for (const auto& row : rows) {
      const Duration expected{std::stoll(*row[1]), std::stoll(*row[2]), std::stoll(*row[3])};
      EXPECT_EQ(textToValue(type_oid::kInterval, *row[0]), Value(expected))
          << style << " " << *row[0];
    }
  }
}

TEST_F(PgValueServer, Arrays) {
  const std::pair<Oid, Case> cases[] = {
      {1007, {"ARRAY[1, 2, NULL]::int4[]", list({Value(1), Value(2), Value()})}},
      {1009,
       {R"(ARRAY['a b', 'c"d', NULL, 'NULL', '', 'x\y', '{', ' s', 'plain'])",
        list({Value("a b"), Value("c\"d"), Value(), Value("NULL"), Value(""), Value("x\\y"),
              Value("{"), Value(" s"), Value("plain")})}},
      {1007,
       {"ARRAY[[1, 2], [3, 4]]", list({list({Value(1), Value(2)}), list({Value(3), Value(4)})})}},
      {1007, {"'[0:1]={5,6}'::int4[]", list({Value(5), Value(6)})}},
      {1007, {"'{}'::int4[]", list({})}},
      {1000, {"ARRAY[true, false]", list({Value(true), Value(false)})}},
      {1001, {"ARRAY['\\x00ff'::bytea]", list({Value("\\x00ff")})}},
      {1002, {"ARRAY['a'::\"char\"]", list({Value("a")})}},
      {1003, {"ARRAY['n'::name]", list({Value("n")})}},
      {1005, {"ARRAY[1::int2]", list({Value(1)})}},
      {1016,
       {"ARRAY[(-9223372036854775808)::int8, 9223372036854775807]",
        list({Value(std::numeric_limits<int64_t>::min()),
              Value(std::numeric_limits<int64_t>::max())})}},
      {1028, {"ARRAY[26::oid]", list({Value(26)})}},
      {1021, {"ARRAY[1.1::float4]", list({Value(1.1)})}},
      {1022,
       {"ARRAY[1.5::float8, 'Infinity']",
        list({Value(1.5), Value(std::numeric_limits<double>::infinity())})}},
      {1014, {"ARRAY['ab'::char(3)]", list({Value("ab ")})}},
      {1015, {"ARRAY['v, w'::varchar]", list({Value("v, w")})}},
      {1182, {"ARRAY['2024-05-01'::date]", list({dt(kMay1Noon - 12 * kHour)})}},
      {1183, {"ARRAY['12:00'::time]", list({Value("12:00:00")})}},
      {1115,
       {"ARRAY['2024-05-01 12:00'::timestamp, 'infinity']",
        list({dt(kMay1Noon), Value("infinity")})}},
      {1185, {"ARRAY['2024-05-01 12:00+00'::timestamptz]", list({dt(kMay1Noon)})}},
      {1187,
       {"ARRAY['1 day'::interval, '-0.5 s']",
        list({Value(Duration{0, 1, 0}), Value(Duration{0, 0, -500})})}},
      {1231,
       {"ARRAY[1, 2.5, 123456789012345678901234567890, NULL]::numeric[]",
        list({Value(1), dec("2.5"), dec("123456789012345678901234567890"), Value()})}},
      {2951,
       {"ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]",
        list({Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")})}},
      {3807,
       {R"(ARRAY['{"a": [1, "x"]}'::jsonb, 'null', NULL])",
        list({Value(Map{{"a", list({Value(1), Value("x")})}}), Value(), Value()})}},
      {199, {R"(ARRAY['{"a":1}'::json])", list({Value(Map{{"a", Value(1)}})})}},
  };
  for (const auto& [type, c] : cases) {
    check(c, type);
  }
}

TEST_F(PgValueServer, ArrayTypesMatchPgType) {
  // typarray names each type's array type; int2vector and oidvector, which also have a typelem,
  // are not array literals.
  auto rows = cluster_->query(
      "SELECT typarray, oid FROM pg_type WHERE oid IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 114, "
      "700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802)");
  ASSERT_EQ(rows.size(), 22u);
  for (const auto& row : rows) {
    EXPECT_EQ(arrayElementType(static_cast<Oid>(std::stoul(*row[0]))),
              static_cast<Oid>(std::stoul(*row[1])))
        << *row[0];
  }
}

}  // namespace
}  // namespace livedash::sources::postgres
