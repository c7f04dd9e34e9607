// tests/unit/core/value_test.cpp
#include "core/value.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json.hpp"

namespace livedash::core {
namespace {

TEST(Value, IntegersAndFloatsCompareAndHashByNumericValue) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_EQ(Value(1).hash(), Value(1.0).hash());
  EXPECT_LT(Value(1), Value(1.5));
  EXPECT_NE(Value("1"), Value(1));
}

TEST(Value, OrderIsTotalAcrossKinds) {
  EXPECT_LT(Value(), Value(false));
  EXPECT_LT(Value(true), Value(0));
  EXPECT_LT(Value(99), Value("a"));
  EXPECT_LT(Value(List{Value(1)}), Value(List{Value(1), Value(2)}));
}

TEST(Json, EncodesFloatsAsFloats) {
  EXPECT_EQ(toJson(Value(5.0)), "5.0");
  EXPECT_EQ(toJson(Value(339.98)), "339.98");
  EXPECT_EQ(toJson(Value(7)), "7");
}

TEST(Json, EscapesStrings) {
  EXPECT_EQ(toJson(Value("a\"b\\c\n\x01")), R"("a\"b\\c\n\u0001")");
}

TEST(Json, RoundTripsMapsAndLists) {
  Value v = parseJson(R"({"b":[1,2.5,"x",null,true],"a":{"c":-3}})");
  EXPECT_EQ(toJson(v), R"({"a":{"c":-3},"b":[1,2.5,"x",null,true]})");
}

TEST(Json, RejectsBadInput) {
  EXPECT_THROW(parseJson("{\"a\":"), Error);
}

TEST(Json, FormatsInstantsAndDurations) {
  EXPECT_EQ(formatDateTime(DateTime{0}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatDateTime(DateTime{-1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(formatDuration(Duration{0, 1, 2 * 3600000 + 30 * 60000}), "P1DT2H30M");
  EXPECT_EQ(formatDuration(Duration{}), "PT0S");
}

}  // namespace
}  // namespace livedash::core
