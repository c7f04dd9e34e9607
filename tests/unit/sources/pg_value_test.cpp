// tests/unit/sources/pg_value_test.cpp
//
// PostgreSQL text output → Value, by type OID. The texts are what a PostgreSQL 15 server prints
// with DateStyle=ISO and IntervalStyle=iso_8601 (or postgres); tests/integration/
// pg_value_pg_test.cpp checks the same mapping against a live server.
#include "sources/postgres/pg_value.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "sources/postgres/notify_triggers.hpp"

namespace livedash::sources::postgres {
namespace {

using core::DateTime;
using core::Duration;
using core::List;
using core::Map;
using core::Value;
using core::ValueKind;
namespace t = type_oid;

constexpr int64_t kMay1Noon = 1'714'564'800'000;  // 2024-05-01 12:00:00 UTC
constexpr int64_t kHour = 3'600'000;

Value dec(std::string_view text) {
  return Value(core::parseDecimal(text).value());
}

Value dt(int64_t ms) {
  return Value(DateTime{ms});
}

//! The Value is exactly `expected`, kind included (Value's == says 1 == 1.0).
void expectSame(const Value& actual, const Value& expected, std::string_view text) {
  EXPECT_EQ(actual.kind(), expected.kind()) << text;
  EXPECT_TRUE(actual == expected) << text << ": " << core::toJson(actual) << " is not "
                                  << core::toJson(expected);
}

void expectMalformed(Oid type, std::string_view text) {
  try {
    (void)textToValue(type, text);
    ADD_FAILURE() << "type " << type << " accepted \"" << text << "\"";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::BadRequest) << text;
  }
}

TEST(PgValue, Integers) {
  expectSame(textToValue(t::kInt2, "-32768"), Value(-32768), "int2");
  expectSame(textToValue(t::kInt4, "2147483647"), Value(2147483647), "int4");
  expectSame(textToValue(t::kInt8, "9223372036854775807"),
             Value(std::numeric_limits<int64_t>::max()), "int8 max");
  expectSame(textToValue(t::kInt8, "-9223372036854775808"),
             Value(std::numeric_limits<int64_t>::min()), "int8 min");
  expectSame(textToValue(t::kOid, "4294967295"), Value(int64_t{4294967295}), "oid");
  for (const char* bad : {"", "1.5", "abc", " 1", "1 ", "+1", "9223372036854775808", "0x10"}) {
    expectMalformed(t::kInt8, bad);
  }
}

TEST(PgValue, MalformedNamesTheTypeAndTheText) {
  try {
    (void)textToValue(t::kInt4, "forty-two");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("int4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("forty-two"), std::string::npos) << e.what();
  }
  try {
    (void)textToValue(1007, std::string(1000, '{'));
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("int4[]"), std::string::npos) << e.what();
    EXPECT_LT(std::string(e.what()).size(), 200u) << "long values are cut";
  }
}

TEST(PgValue, Floats) {
  expectSame(textToValue(t::kFloat8, "1.5"), Value(1.5), "1.5");
  expectSame(textToValue(t::kFloat8, "1e-05"), Value(1e-5), "1e-05");
  expectSame(textToValue(t::kFloat8, "1e+100"), Value(1e100), "1e+100");
  expectSame(textToValue(t::kFloat8, "-0"), Value(-0.0), "-0");
  expectSame(textToValue(t::kFloat4, "3.4e+38"), Value(3.4e38), "float4");
  expectSame(textToValue(t::kFloat4, "1.1"), Value(1.1), "float4 1.1");
  expectSame(textToValue(t::kFloat8, "42"), Value(42.0), "a whole float stays a float");
  EXPECT_TRUE(std::isnan(textToValue(t::kFloat8, "NaN").asFloat()));
  EXPECT_EQ(textToValue(t::kFloat8, "Infinity").asFloat(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(textToValue(t::kFloat4, "-Infinity").asFloat(),
            -std::numeric_limits<double>::infinity());
  for (const char* bad : {"", "1.5x", "one", "1,5", " 1"}) {
    expectMalformed(t::kFloat8, bad);
  }
}

TEST(PgValue, NumericIsIntegerWhenWholeAndSmallExactDecimalUpTo38DigitsElseFloat) {
  expectSame(numericValue("42"), Value(42), "42");
  expectSame(numericValue("-0"), Value(0), "-0");
  expectSame(numericValue("-9223372036854775808"), Value(std::numeric_limits<int64_t>::min()),
             "int64 min");
  expectSame(numericValue("9223372036854775808"), dec("9223372036854775808"), "int64 max + 1");
  expectSame(numericValue("123456789012345678901234567890"), dec("123456789012345678901234567890"),
             "30 digits");
  expectSame(numericValue("449.99"), dec("449.99"), "449.99");
  EXPECT_EQ(core::toJson(numericValue("449.99")), "449.99");
  expectSame(numericValue("1.50"), dec("1.5"), "1.50 keeps its fraction: a Decimal");
  EXPECT_EQ(numericValue("1.50").asDecimal(), (core::Decimal{15, 1}));
  expectSame(numericValue("42.000"), dec("42"), "a whole value with a fraction part");
  expectSame(numericValue("-0.001"), dec("-0.001"), "-0.001");
  expectSame(textToValue(t::kNumeric, "3.25"), dec("3.25"), "through textToValue");
  // Exact (a Decimal, not the double nearest 0.1), yet equal to the float literal 0.1.
  EXPECT_TRUE(numericValue("0.1").isDecimal());
  EXPECT_EQ(numericValue("0.1"), Value(0.1));
  expectSame(numericValue("0.1"), dec("0.1"), "0.1");
  const std::string digits38 = "1234567890123456789.0123456789012345678";
  expectSame(numericValue(digits38), dec(digits38), "38 significant digits");
  EXPECT_EQ(core::toJson(numericValue(digits38)), digits38);
  // Beyond 38 significant digits (or 38 fraction digits): the nearest double.
  expectSame(numericValue("1234567890123456789.01234567890123456789"),
             Value(1234567890123456789.01234567890123456789), "40 digits");
  expectSame(numericValue("0." + std::string(38, '0') + "5"), Value(5e-39), "scale 39");
  expectSame(numericValue(std::string(39, '9')), Value(1e39), "39 whole digits");
  EXPECT_TRUE(std::isnan(numericValue("NaN").asFloat()));
  EXPECT_EQ(numericValue("Infinity").asFloat(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(numericValue("-Infinity").asFloat(), -std::numeric_limits<double>::infinity());
  // numeric goes far beyond double; the value saturates rather than failing.
  EXPECT_EQ(numericValue("1" + std::string(400, '0')).asFloat(),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(numericValue("-1" + std::string(400, '0') + ".5").asFloat(),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(numericValue("0." + std::string(400, '0') + "1").asFloat(), 0.0);
  for (const char* bad : {"", "-", ".", "1e5", "1.2.3", "abc", "+1", " 1", "1 ", "--1", "inf"}) {
    expectMalformed(t::kNumeric, bad);
  }
}

TEST(PgValue, NumericInTheNotifyJsonFormIsADecimalToo) {
  // row_to_json prints numeric as JSON numbers: scalars keep their text, array elements come back
  // from the double's shortest digits.
  expectSame(jsonFormValue(t::kNumeric, "129.90"), dec("129.9"), "scalar");
  expectSame(jsonFormValue(1231, "[1, 2.5, 0.1, null]"),
             Value(List{Value(1), dec("2.5"), dec("0.1"), Value()}), "numeric[]");
  EXPECT_TRUE(jsonFormValue(1231, "[0.1]").asList()[0].isDecimal());
}

TEST(PgValue, Bool) {
  expectSame(textToValue(t::kBool, "t"), Value(true), "t");
  expectSame(textToValue(t::kBool, "f"), Value(false), "f");
  for (const char* bad : {"", "T", "yes", "1", "tt"}) {
    expectMalformed(t::kBool, bad);
  }
}

TEST(PgValue, TextLikeTypesAndUnknownTypesAreStrings) {
  const std::pair<Oid, const char*> cases[] = {
      {t::kText, "hello, world"},
      {t::kVarchar, ""},
      {t::kBpchar, "abc  "},  // bpchar keeps its padding
      {t::kName, "orders"},
      {t::kChar, "a"},
      {t::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
      {t::kTime, "12:34:56.789"},
      {t::kBytea, "\\x00ff"},
      {1266, "12:00:00+05:30"},  // timetz: no mapping of its own
      {1560, "101"},             // bit
      {22, "1 2"},               // int2vector is not an array literal
      {99999, "{1,2}"},          // a user type
  };
  for (const auto& [type, text] : cases) {
    expectSame(textToValue(type, text), Value(text), text);
  }
}

TEST(PgValue, Timestamps) {
  expectSame(textToValue(t::kTimestamp, "2024-05-01 12:00:00"), dt(kMay1Noon), "timestamp");
  expectSame(textToValue(t::kTimestamp, "2024-05-01 12:00:00.5"), dt(kMay1Noon + 500), ".5");
  expectSame(textToValue(t::kTimestamp, "2024-05-01 12:00:00.123456"), dt(kMay1Noon + 123),
             "microseconds truncate to milliseconds");
  expectSame(textToValue(t::kTimestamp, "2024-05-01T12:00:00.007"), dt(kMay1Noon + 7), "T");
  expectSame(textToValue(t::kTimestamp, "1969-12-31 23:59:59.9995"), dt(-1),
             "truncating the fraction floors the instant before 1970");
  expectSame(textToValue(t::kTimestamp, "12345-01-01 00:00:00"), dt(327'403'382'400'000),
             "five-digit year");
  expectSame(textToValue(t::kTimestamp, "294276-12-31 23:59:59.999999"), dt(9'224'318'015'999'999),
             "the last timestamp");
  expectSame(textToValue(t::kTimestamp, "0044-03-15 12:00:00 BC"), dt(-63'517'780'800'000), "BC");
  expectSame(textToValue(t::kTimestamp, "4713-11-24 00:00:00 BC"), dt(-210'835'180'800'000),
             "the first timestamp");
}

TEST(PgValue, TimestamptzWithAnyOffset) {
  expectSame(textToValue(t::kTimestamptz, "2024-05-01 12:00:00+00"), dt(kMay1Noon), "+00");
  expectSame(textToValue(t::kTimestamptz, "2024-05-01 17:30:00.5+05:30"), dt(kMay1Noon + 500),
             "+05:30");
  expectSame(textToValue(t::kTimestamptz, "2024-05-01 04:00:00-08"), dt(kMay1Noon), "-08");
  expectSame(textToValue(t::kTimestamptz, "2024-05-01 02:30:00-09:30"), dt(kMay1Noon), "-09:30");
  // Before standard time zones, PostgreSQL prints the local mean time offset, seconds included.
  expectSame(textToValue(t::kTimestamptz, "1850-01-01 05:53:28+05:53:28"), dt(-3'786'825'600'000),
             "LMT offset");
  expectSame(textToValue(t::kTimestamptz, "0044-03-15 12:00:00+00 BC"), dt(-63'517'780'800'000),
             "the era comes after the offset");
  expectSame(textToValue(t::kTimestamptz, "0044-03-15 17:53:28+05:53:28 BC"),
             dt(-63'517'780'800'000), "BC with an LMT offset");
  expectSame(textToValue(t::kTimestamptz, "2024-05-01 12:00:00"), dt(kMay1Noon),
             "no offset reads as UTC");
}

TEST(PgValue, Dates) {
  expectSame(textToValue(t::kDate, "2024-05-01"), dt(kMay1Noon - 12 * kHour), "date");
  expectSame(textToValue(t::kDate, "2024-02-29"), dt(1'709'164'800'000), "leap day");
  expectSame(textToValue(t::kDate, "0001-01-01 BC"), dt(-62'167'219'200'000), "1 BC is year 0");
  expectSame(textToValue(t::kDate, "5874897-12-31"), dt(185'331'706'992'000'000), "the last date");
  expectMalformed(t::kDate, "0004-02-29 BC");               // astronomical year -3: not a leap year
  EXPECT_NO_THROW(textToValue(t::kDate, "0005-02-29 BC"));  // astronomical -4: leap
}

TEST(PgValue, InfinitiesStayText) {
  for (Oid type : {t::kDate, t::kTimestamp, t::kTimestamptz}) {
    expectSame(textToValue(type, "infinity"), Value("infinity"), "infinity");
    expectSame(textToValue(type, "-infinity"), Value("-infinity"), "-infinity");
  }
}

TEST(PgValue, MalformedDatesAndTimes) {
  for (const char* bad :
       {"", "2024-05-01", "2024-13-01 00:00:00", "2024-02-30 00:00:00", "2023-02-29 00:00:00",
        "2024-05-01 24:00:00", "2024-05-01 12:60:00", "2024-05-01 12:00:60", "2024-5-1 12:00:00",
        "24-05-01 12:00:00", "0000-01-01 00:00:00", "2024-05-01 12:00:00.", "2024-05-01 12:00",
        "2024-05-01 12:00:00+05:30", "2024-05-01 12:00:00 AD", "2024-05-01 12:00:00 BC junk",
        "12345678-01-01 00:00:00", "Infinity", "2024-05-01 12:00:00 "}) {
    expectMalformed(t::kTimestamp, bad);
  }
  for (const char* bad :
       {"2024-05-01 12:00:00+5", "2024-05-01 12:00:00+05:3", "2024-05-01 12:00:00+05:60",
        "2024-05-01 12:00:00+24", "2024-05-01 12:00:00 +05", "2024-05-01 12:00:00Z"}) {
    expectMalformed(t::kTimestamptz, bad);
  }
  for (const char* bad : {"2024-05-01 00:00:00", "2024-00-01", "2024-05-00", "2024-05-32", "x"}) {
    expectMalformed(t::kDate, bad);
  }
}

TEST(PgValue, IntervalsIso8601) {
  const Value v = textToValue(t::kInterval, "P1Y2M3DT4H5M6.5S");
  expectSame(v, Value(Duration{14, 3, 4 * kHour + 5 * 60'000 + 6'500}), "all parts");
  expectSame(textToValue(t::kInterval, "P-1Y-2M3DT-4H-5M-6.5S"),
             Value(Duration{-14, 3, -(4 * kHour + 5 * 60'000 + 6'500)}), "signed parts");
  expectSame(textToValue(t::kInterval, "PT0S"), Value(Duration{}), "zero");
  expectSame(textToValue(t::kInterval, "PT-0.5S"), Value(Duration{0, 0, -500}), "-0.5 s");
  expectSame(textToValue(t::kInterval, "PT0.000001S"), Value(Duration{}), "1 µs truncates");
  expectSame(textToValue(t::kInterval, "PT100H"), Value(Duration{0, 0, 100 * kHour}), "100 h");
  expectSame(textToValue(t::kInterval, "P1MT-1S"), Value(Duration{1, 0, -1000}), "mixed signs");
  expectSame(textToValue(t::kInterval, "P2W"), Value(Duration{0, 14, 0}), "weeks");
  expectSame(textToValue(t::kInterval, "P178000000Y"), Value(Duration{2'136'000'000, 0, 0}),
             "the largest interval");
  for (const char* bad :
       {"P", "PT", "P1H", "PT1Y", "PT1D", "P1D1Y", "P1Y1Y", "P1.5Y", "PT1.5H", "P1", "P1YT", "PY",
        "P 1Y", "P1Y ", "P--1Y", "P9223372036854775807Y", "PT999999999999999999H"}) {
    expectMalformed(t::kInterval, bad);
  }
}

TEST(PgValue, IntervalsPostgresStyle) {
  expectSame(textToValue(t::kInterval, "1 year 2 mons 3 days 04:05:06.5"),
             Value(Duration{14, 3, 4 * kHour + 5 * 60'000 + 6'500}), "all parts");
  expectSame(textToValue(t::kInterval, "-1 years -2 mons +3 days -04:05:06.5"),
             Value(Duration{-14, 3, -(4 * kHour + 5 * 60'000 + 6'500)}), "signed parts");
  expectSame(textToValue(t::kInterval, "00:00:00"), Value(Duration{}), "zero");
  expectSame(textToValue(t::kInterval, "-00:00:00.5"), Value(Duration{0, 0, -500}), "-0.5 s");
  expectSame(textToValue(t::kInterval, "100:00:00"), Value(Duration{0, 0, 100 * kHour}), "100 h");
  expectSame(textToValue(t::kInterval, "1 mon -00:00:01"), Value(Duration{1, 0, -1000}), "mixed");
  expectSame(textToValue(t::kInterval, "1 day"), Value(Duration{0, 1, 0}), "1 day");
  expectSame(textToValue(t::kInterval, "2 years"), Value(Duration{24, 0, 0}), "2 years");
  for (const char* bad : {"", "1", "1 week", "1 year 00:00:00 1 day", "01:02", "1  day",
                          "00:00:00 00:00:00", "1 dayz", "day", "@ 1 day", "1 day "}) {
    expectMalformed(t::kInterval, bad);
  }
}

TEST(PgValue, JsonAndJsonb) {
  const Value v = textToValue(t::kJsonb, R"({"a": 1.5, "b": [1, {"c": null}], "d": "x"})");
  ASSERT_TRUE(v.isMap());
  expectSame(v.asMap().at("a"), Value(1.5), "a");
  expectSame(v.asMap().at("b"), Value(List{Value(1), Value(Map{{"c", Value()}})}), "b");
  expectSame(v.asMap().at("d"), Value("x"), "d");
  expectSame(textToValue(t::kJson, "  {\"b\":1}"), Value(Map{{"b", Value(1)}}), "json spacing");
  expectSame(textToValue(t::kJsonb, "null"), Value(), "null");
  expectSame(textToValue(t::kJsonb, "\"s\""), Value("s"), "string");
  expectSame(textToValue(t::kJsonb, "[]"), Value(List{}), "empty list");
  expectSame(textToValue(t::kJson, "true"), Value(true), "bool");
  for (const char* bad : {"", "{", "{\"a\":}", "nul", "[1,]"}) {
    expectMalformed(t::kJsonb, bad);
  }
}

TEST(PgValue, ArrayElementTypes) {
  const std::pair<Oid, Oid> arrays[] = {
      {1000, t::kBool},      {1001, t::kBytea},       {1002, t::kChar},     {1003, t::kName},
      {1016, t::kInt8},      {1005, t::kInt2},        {1007, t::kInt4},     {1009, t::kText},
      {1028, t::kOid},       {199, t::kJson},         {1021, t::kFloat4},   {1022, t::kFloat8},
      {1014, t::kBpchar},    {1015, t::kVarchar},     {1182, t::kDate},     {1183, t::kTime},
      {1115, t::kTimestamp}, {1185, t::kTimestamptz}, {1187, t::kInterval}, {1231, t::kNumeric},
      {2951, t::kUuid},      {3807, t::kJsonb}};
  for (const auto& [array, element] : arrays) {
    EXPECT_EQ(arrayElementType(array), element) << array;
  }
  for (Oid not_array : {Oid{0}, t::kInt4, t::kText, Oid{22}, Oid{30}, Oid{99999}}) {
    EXPECT_EQ(arrayElementType(not_array), 0u) << not_array;
  }
}

TEST(PgValue, Arrays) {
  expectSame(textToValue(1007, "{1,2,NULL}"), Value(List{Value(1), Value(2), Value()}), "int4[]");
  expectSame(textToValue(1009, R"({"a b","c\"d",NULL,"NULL","","x\\y","{"," s",plain})"),
             Value(List{Value("a b"), Value("c\"d"), Value(), Value("NULL"), Value(""),
                        Value("x\\y"), Value("{"), Value(" s"), Value("plain")}),
             "text[]: quoted, escaped, NULL and \"NULL\"");
  expectSame(textToValue(1007, "{{1,2},{3,4}}"),
             Value(List{Value(List{Value(1), Value(2)}), Value(List{Value(3), Value(4)})}),
             "nested");
  expectSame(textToValue(1007, "{{{1}},{{2}}}"),
             Value(List{Value(List{Value(List{Value(1)})}), Value(List{Value(List{Value(2)})})}),
             "three levels");
  expectSame(textToValue(1007, "[0:1]={5,6}"), Value(List{Value(5), Value(6)}), "lower bound 0");
  expectSame(textToValue(1007, "[0:1][1:2]={{1,2},{3,NULL}}"),
             Value(List{Value(List{Value(1), Value(2)}), Value(List{Value(3), Value()})}),
             "bounds of two dimensions");
  expectSame(textToValue(1007, "{}"), Value(List{}), "empty");
  expectSame(textToValue(1007, "{ 1 , null }"), Value(List{Value(1), Value()}),
             "blanks around elements; null in any case");
  expectSame(textToValue(1009, R"({a b ,\NULL,"\NULL"})"),
             Value(List{Value("a b"), Value("NULL"), Value("NULL")}),
             "unquoted inner blanks kept; an escaped NULL is text");
  expectSame(textToValue(3807, R"({"{\"a\": 1}","null",NULL})"),
             Value(List{Value(Map{{"a", Value(1)}}), Value(), Value()}),
             "jsonb[]: JSON null and SQL NULL");
  const Value floats = textToValue(1022, "{1.5,NaN,Infinity,-Infinity}");
  ASSERT_EQ(floats.asList().size(), 4u);
  EXPECT_TRUE(std::isnan(floats.asList()[1].asFloat()));
  EXPECT_EQ(floats.asList()[3].asFloat(), -std::numeric_limits<double>::infinity());
  expectSame(textToValue(1185, R"({"2024-05-01 17:30:00+05:30",NULL})"),
             Value(List{dt(kMay1Noon), Value()}), "timestamptz[]");
  expectSame(textToValue(1000, "{t,f}"), Value(List{Value(true), Value(false)}), "bool[]");
  expectSame(textToValue(1231, "{1,2.5,123456789012345678901234567890}"),
             Value(List{Value(1), dec("2.5"), dec("123456789012345678901234567890")}), "numeric[]");
  expectSame(textToValue(1001, R"({"\\x00ff"})"), Value(List{Value("\\x00ff")}), "bytea[]");
  expectSame(textToValue(1187, R"({P1D,"PT-0.5S"})"),
             Value(List{Value(Duration{0, 1, 0}), Value(Duration{0, 0, -500})}), "interval[]");
  expectSame(textToValue(1016, "{-9223372036854775808,9223372036854775807}"),
             Value(List{Value(std::numeric_limits<int64_t>::min()),
                        Value(std::numeric_limits<int64_t>::max())}),
             "int8[]");
}

TEST(PgValue, MalformedArrays) {
  for (const char* bad : {"",      "{",        "{1,2",    "{1,,2}",          "{,}",
                          "{1,}",  "{1}x",     "1,2",     "{{1},2}",         "{1,{2}}",
                          "{\"a}", "{1 2}",    "{a}",     "{1\"2\"}",        "{\\",
                          "{\"\\", "[0:1]{1}", "[x]={1}", "{{{{{{{1}}}}}}}", "{1}}",
                          "{1};"}) {
    expectMalformed(1007, bad);
  }
  expectMalformed(1009, "{a\"b\"}");
  expectMalformed(1185, "{2024-05-01}");
}

}  // namespace
}  // namespace livedash::sources::postgres
