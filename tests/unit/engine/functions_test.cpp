// tests/unit/engine/functions_test.cpp
//
// Scalar functions and operators, evaluated through the real binder on a one-row query.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

std::string eval(const std::string& expr) {
  return testing::evalOnOrder(expr);
}

TEST(Functions, Strings) {
  EXPECT_EQ(eval("toUpper(o.status)"), R"("PENDING")");
  EXPECT_EQ(eval("trim(o.name)"), R"("Ann")");
  EXPECT_EQ(eval("substring(o.status, 1, 3)"), R"("end")");
  EXPECT_EQ(eval("split('a,b', ',')"), R"(["a","b"])");
  EXPECT_EQ(eval("replace(o.status, 'n', 'N')"), R"("peNdiNg")");
  EXPECT_EQ(eval("left(o.status, 2) + right(o.status, 2)"), R"("peng")");
  EXPECT_EQ(eval("toString(o.total)"), R"("12.5")");
}

TEST(Functions, NumbersAndConversions) {
  EXPECT_EQ(eval("toInteger('42')"), "42");
  EXPECT_EQ(eval("toInteger(o.total)"), "12");
  EXPECT_EQ(eval("toFloat('1.5')"), "1.5");
  EXPECT_EQ(eval("round(o.total * 1.234, 2)"), "15.43");
  EXPECT_EQ(eval("abs(-3) + sign(-2.5)"), "2");
  EXPECT_EQ(eval("7 / 2"), "3");
  EXPECT_EQ(eval("7 / 0"), "null");
  EXPECT_EQ(eval("2 ^ 10"), "1024.0");
}

TEST(Functions, NullsListsAndLogic) {
  EXPECT_EQ(eval("coalesce(o.missing, o.status)"), R"("pending")");
  EXPECT_EQ(eval("o.missing + 1"), "null");
  EXPECT_EQ(eval("null OR true"), "true");
  EXPECT_EQ(eval("null AND true"), "null");
  EXPECT_EQ(eval("2 IN [1, null]"), "null");
  EXPECT_EQ(eval("size(o.tags) + size(range(1, 5))"), "7");
  EXPECT_EQ(eval("[x IN range(1, 6) WHERE x % 2 = 0 | x * 10]"), "[20,40,60]");
  EXPECT_EQ(eval("head(o.tags) + last(o.tags)"), R"("ab")");
  EXPECT_EQ(eval("o.tags[-1]"), R"("b")");
  EXPECT_EQ(eval("CASE o.status WHEN 'pending' THEN 1 ELSE 2 END"), "1");
  EXPECT_EQ(eval("{a: {b: $p}}.a.b"), "3");
  EXPECT_EQ(eval("o.status STARTS WITH 'pen' AND o.status ENDS WITH 'ing'"), "true");
}

TEST(Functions, ElementsAndTime) {
  EXPECT_EQ(eval("elementId(o)"), R"("orders:7")");
  EXPECT_EQ(eval("drasi.changeDateTime(o)"), R"("2023-11-14T21:56:40.000Z")");
  EXPECT_EQ(eval("datetime.truncate('hour', o.at)"), R"("2026-11-22T10:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('day', o.at)"), R"("2026-11-22T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('week', o.at)"), R"("2026-11-16T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('month', o.at)"), R"("2026-11-01T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime('2026-11-22T10:00:00Z') + duration({hours: 2, minutes: 30})"),
            R"("2026-11-22T12:30:00.000Z")");
  EXPECT_EQ(eval("duration.inSeconds(datetime('2026-01-01T00:00:00Z'), o.at)"),
            R"("PT7810H37M12S")");
  EXPECT_EQ(eval("datetime.realtime()"), R"("2023-11-14T22:13:20.000Z")");
  EXPECT_EQ(eval("duration('PT1H30M')"), R"("PT1H30M")");
  EXPECT_EQ(eval("duration('P.D')"), "null");
  EXPECT_EQ(eval("duration('P1e999D')"), "null");
}

TEST(Functions, ReduceAndListPredicates) {
  EXPECT_EQ(eval("reduce(total = 0, x IN range(1, 4) | total + x)"), "10");
  EXPECT_EQ(eval("reduce(s = '', t IN o.tags | s + t + o.status)"), R"("apendingbpending")");
  EXPECT_EQ(eval("reduce(total = 0, x IN o.missing | total + x)"), "null");
  EXPECT_EQ(eval("all(x IN [1, 2, 3] WHERE x > 0)"), "true");
  EXPECT_EQ(eval("all(x IN [1, null, -1] WHERE x > 0)"), "false");
  EXPECT_EQ(eval("all(x IN [1, null] WHERE x > 0)"), "null");
  EXPECT_EQ(eval("any(t IN o.tags WHERE t = 'b')"), "true");
  EXPECT_EQ(eval("any(x IN [] WHERE x > 0)"), "false");
  EXPECT_EQ(eval("none(x IN [1, 2] WHERE x > 5)"), "true");
  EXPECT_EQ(eval("single(x IN [1, 2, 3] WHERE x > 2)"), "true");
  EXPECT_EQ(eval("single(x IN [1, 2, 3] WHERE x > 1)"), "false");
}

TEST(Functions, MathAndLists) {
  EXPECT_EQ(eval("round(degrees(pi()), 6)"), "180.0");
  EXPECT_EQ(eval("round(sin(radians(90)) + cos(0) + tan(0), 6)"), "2.0");
  EXPECT_EQ(eval("round(atan2(1, 1) * 4, 6) = round(pi(), 6)"), "true");
  EXPECT_EQ(eval("round(exp(1), 6) = round(e(), 6) AND log10(1000) = 3.0 AND log(1) = 0.0"),
            "true");
  EXPECT_EQ(eval("sin(null)"), "null");
  EXPECT_EQ(eval("rand() >= 0.0 AND rand() < 1.0"), "true");
  EXPECT_EQ(eval("size(randomUUID()) = 36 AND substring(randomUUID(), 14, 1) = '4'"), "true");
  EXPECT_EQ(eval("coll.distinct([1, 2, 1, 'a', 2, 'a'])"), R"([1,2,"a"])");
  EXPECT_EQ(eval("coll.indexOf(o.tags, 'b')"), "1");
  EXPECT_EQ(eval("coll.indexOf(o.tags, 'z')"), "-1");
  EXPECT_EQ(eval("coll.insert(o.tags, 1, 'x')"), R"(["a","x","b"])");
  EXPECT_EQ(eval("coll.insert(o.tags, 9, 'x')"), "null");
  EXPECT_EQ(eval("drasi.listMin([3, null, 1, 2])"), "1");
  EXPECT_EQ(eval("drasi.listMax([3, null, 1.5, 2])"), "3");
  EXPECT_EQ(eval("drasi.stdevp([2, 4, 4, 4, 5, 5, 7, 9])"), "2.0");
  EXPECT_EQ(eval("drasi.stdevp([])"), "null");
}

TEST(Functions, DatesAreMidnightInstants) {
  EXPECT_EQ(eval("date(o.at)"), R"("2026-11-22T00:00:00.000Z")");
  EXPECT_EQ(eval("date('2026-02-03')"), R"("2026-02-03T00:00:00.000Z")");
  EXPECT_EQ(eval("date({year: 2024, month: 2, day: 29})"), R"("2024-02-29T00:00:00.000Z")");
  EXPECT_EQ(eval("date({year: 2025, month: 2, day: 29})"), "null");
  EXPECT_EQ(eval("date()"), R"("2023-11-14T00:00:00.000Z")");
  EXPECT_EQ(eval("date.realtime() = date(datetime.transaction())"), "true");
  EXPECT_EQ(eval("datetime({year: 2026, month: 11, day: 22, hour: 10, minute: 37})"),
            R"("2026-11-22T10:37:00.000Z")");
  EXPECT_EQ(eval("localdatetime('2026-11-22T10:00:00Z') = datetime('2026-11-22T10:00:00Z')"),
            "true");
  EXPECT_EQ(eval("date(o.at) + duration({days: 1}) > datetime(o.at)"), "true");
  EXPECT_EQ(eval("date(o.at) < date('2026-11-23')"), "true");
}

TEST(Functions, CalendarMonths) {
  EXPECT_EQ(eval("duration.inMonths(datetime('2026-01-31T00:00:00Z'), o.at)"), R"("P9M")");
  EXPECT_EQ(eval("duration.inMonths(datetime('2026-01-22T10:37:12.345Z'), o.at)"), R"("P10M")");
  EXPECT_EQ(eval("duration.inMonths(datetime('2026-01-22T10:37:12.346Z'), o.at)"), R"("P9M")");
  EXPECT_EQ(eval("duration.inMonths(o.at, datetime('2025-11-22T10:37:12.345Z'))"), R"("P-1Y")");
}

}  // namespace
}  // namespace livedash::engine
