// tests/unit/engine/time_functions_test.cpp
//
// time and localtime (times of day, in UTC), the truncations of every temporal type, the clock
// variants, and property access on instants, times and durations.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

std::string eval(const std::string& expr) {
  return testing::evalOnOrder(expr);
}

TEST(TimeFunctions, TimeFromTextMapInstantOrClock) {
  EXPECT_EQ(eval("time('10:30')"), R"("10:30:00.000Z")");
  EXPECT_EQ(eval("time('10:30:05.25+02:00')"), R"("08:30:05.250Z")");
  EXPECT_EQ(eval("time('01:00+02:00')"), R"("23:00:00.000Z")") << "wraps to the day before";
  EXPECT_EQ(eval("time({hour: 10, minute: 5, second: 1, millisecond: 2})"), R"("10:05:01.002Z")");
  EXPECT_EQ(eval("time(o.at)"), R"("10:37:12.345Z")") << "an instant's time of day";
  EXPECT_EQ(eval("time()"), R"("22:13:20.000Z")") << "the clock's";
  EXPECT_EQ(eval("localtime('10:30')"), R"("10:30:00.000Z")");
  EXPECT_EQ(eval("localtime()"), R"("22:13:20.000Z")");
  for (const char* clock :
       {"time.realtime()", "time.transaction()", "time.statement()", "localtime.realtime()",
        "localtime.transaction()", "localtime.statement()"}) {
    EXPECT_EQ(eval(clock), R"("22:13:20.000Z")") << clock;
  }
  EXPECT_EQ(eval("localdatetime.realtime() = datetime.realtime() AND "
                 "localdatetime.statement() = localdatetime.transaction()"),
            "true");
}

TEST(TimeFunctions, MalformedOrNullInputGivesNull) {
  for (const char* bad : {"time(null)", "time('25:00')", "time('10:60')", "time('10')",
                          "time('bogus')", "time(true)", "time({minute: 5})", "time({hour: 24})",
                          "time({hour: 'ten'})", "localtime(o.missing)", "time('10:30Q')"}) {
    EXPECT_EQ(eval(bad), "null") << bad;
  }
}

TEST(TimeFunctions, TimesCompareAndTakeDurations) {
  EXPECT_EQ(eval("time('10:30') < time('11:00') AND time('10:30') = localtime('10:30:00')"),
            "true");
  EXPECT_EQ(eval("time('23:30') + duration({hours: 1})"), R"("00:30:00.000Z")");
  EXPECT_EQ(eval("time('00:30') - duration('PT45M')"), R"("23:45:00.000Z")");
  EXPECT_EQ(eval("duration({minutes: 90}) + time('10:00')"), R"("11:30:00.000Z")");
  EXPECT_EQ(eval("time('10:30') + duration({days: 2})"), R"("10:30:00.000Z")")
      << "whole days leave a time of day as it is";
  EXPECT_EQ(eval("time('12:00') - time('10:30')"), R"("PT1H30M")");
  EXPECT_EQ(eval("duration.between(time('10:00'), time('10:30:30'))"), R"("PT30M30S")");
  EXPECT_EQ(eval("time('10:00') + 1"), "null");
  EXPECT_EQ(eval("time('10:00') + null"), "null");
  EXPECT_EQ(eval("toString(time('10:00'))"), R"("10:00:00.000Z")");
  EXPECT_EQ(eval("[t IN [time('12:00'), time('09:15')] | t.hour]"), "[12,9]");
}

TEST(TimeFunctions, TruncateEveryTemporalType) {
  EXPECT_EQ(eval("date.truncate('month', o.at)"), R"("2026-11-01T00:00:00.000Z")");
  EXPECT_EQ(eval("date.truncate('week', date('2026-11-22'))"), R"("2026-11-16T00:00:00.000Z")");
  EXPECT_EQ(eval("date.truncate('quarter', o.at)"), R"("2026-10-01T00:00:00.000Z")");
  EXPECT_EQ(eval("date.truncate('hour', o.at)"), "null") << "a date has no hours";
  EXPECT_EQ(eval("datetime.truncate('YEAR', o.at)"), R"("2026-01-01T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('decade', o.at)"), R"("2020-01-01T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('century', o.at)"), R"("2000-01-01T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('millennium', o.at)"), R"("2000-01-01T00:00:00.000Z")");
  EXPECT_EQ(eval("datetime.truncate('millisecond', o.at)"), R"("2026-11-22T10:37:12.345Z")");
  EXPECT_EQ(eval("datetime.truncate('second', datetime('1969-12-31T23:59:59.500Z'))"),
            R"("1969-12-31T23:59:59.000Z")");
  EXPECT_EQ(eval("localdatetime.truncate('minute', o.at)"), R"("2026-11-22T10:37:00.000Z")");
  EXPECT_EQ(eval("time.truncate('minute', time('10:37:12.345'))"), R"("10:37:00.000Z")");
  EXPECT_EQ(eval("localtime.truncate('hour', o.at)"), R"("10:00:00.000Z")");
  EXPECT_EQ(eval("time.truncate('day', time('10:37'))"), R"("00:00:00.000Z")");
  for (const char* bad :
       {"time.truncate('month', time('10:37'))", "datetime.truncate('fortnight', o.at)",
        "datetime.truncate(null, o.at)", "datetime.truncate('day', null)", "date.truncate(1, o.at)",
        "localtime.truncate('hour', 'noon')"}) {
    EXPECT_EQ(eval(bad), "null") << bad;
  }
}

TEST(TimeFunctions, AccessorsOfInstantsTimesAndDurations) {
  EXPECT_EQ(eval("[datetime(o.at).year, datetime(o.at).quarter, datetime(o.at).month, "
                 "datetime(o.at).day, datetime(o.at).hour, datetime(o.at).minute, "
                 "datetime(o.at).second, datetime(o.at).millisecond]"),
            "[2026,4,11,22,10,37,12,345]");
  EXPECT_EQ(eval("[date(o.at).dayOfWeek, date(o.at).dayOfYear, date(o.at).hour]"), "[7,326,0]")
      << "2026-11-22 is a Sunday";
  EXPECT_EQ(eval("datetime('1969-12-31T23:59:59.500Z').epochSeconds"), "-1");
  EXPECT_EQ(eval("datetime(o.at).timezone"), R"("Z")");
  EXPECT_EQ(eval("[time('10:37:12.345').hour, time('10:37:12.345').minute, "
                 "time('10:37:12.345').second, time('10:37:12.345').millisecond]"),
            "[10,37,12,345]");
  EXPECT_EQ(eval("time('10:37').year"), "null");
  EXPECT_EQ(eval("[duration({hours: 2, minutes: 30}).minutes, "
                 "duration({hours: 2, minutes: 30}).minutesOfHour, "
                 "duration({hours: 2, minutes: 30}).hours]"),
            "[150,30,2]");
  EXPECT_EQ(eval("[duration('P1Y2M3D').months, duration('P1Y2M3D').years, "
                 "duration('P1Y2M3D').monthsOfYear, duration('P1Y2M3D').days]"),
            "[14,1,2,3]");
  EXPECT_EQ(eval("o.status.year"), "null");
  EXPECT_EQ(eval("datetime(o.at).noSuchField"), "null");
}

TEST(TimeFunctions, WrongArgumentCountsAreErrors) {
  EXPECT_EQ(testing::returnError("time(1, 2)"), "`time` takes 0 to 1 arguments, got 2 at 24");
  EXPECT_EQ(testing::returnError("date.truncate('day')"),
            "`date.truncate` takes 2 arguments, got 1 at 24");
  EXPECT_EQ(testing::returnError("localtime.realtime(1)"),
            "`localtime.realtime` takes 0 arguments, got 1 at 24");
}

}  // namespace
}  // namespace livedash::engine
