// tests/unit/engine/clock_predicate_test.cpp
//
// WHERE predicates that compare a row's instant with the clock ("in the last 5 minutes", "older
// than 2 hours") are kept exact by re-evaluating each row when the clock crosses it. The clock
// is stepped; nothing changes in the data between steps.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;

constexpr int64_t kMinute = 60'000;

core::Change event(ChangeOp op, int id, int64_t at_ms) {
  core::Change c;
  c.op = op;
  c.element.id = "events:" + std::to_string(id);
  c.element.labels = {"events"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)},
                            {"at", core::Value(core::DateTime{at_ms})},
                            {"at_ms", core::Value(at_ms)}};
  }
  return c;
}

class ClockPredicateTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    clock.setMs(0);
  }
  void query(const std::string& where) {
    engine.addQuery({"q", "MATCH (e:events) WHERE " + where + " RETURN e.id AS id", {}});
  }
  std::vector<std::string> ids() { return rows("q"); }
};

TEST_F(ClockPredicateTest, ARowLeavesTheLastFiveMinutesByItself) {
  query("e.at > datetime.realtime() - duration({minutes: 5})");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"id":1})"});
  EXPECT_EQ(engine.pendingFutures(), 1u);
  stepTo(5 * kMinute - 1);
  EXPECT_EQ(ids().size(), 1u);
  EXPECT_EQ(sink.diffs.size(), 1u);
  stepTo(5 * kMinute);  // exactly five minutes old: no longer strictly inside
  EXPECT_TRUE(ids().empty());
  ASSERT_EQ(sink.diffs.size(), 2u);
  EXPECT_EQ(sink.diffs[1].deleted.size(), 1u);
  EXPECT_EQ(sink.diffs[1].timestamp_ms, 5 * kMinute);
  EXPECT_EQ(engine.pendingFutures(), 0u);
}

TEST_F(ClockPredicateTest, AnInclusiveBoundFlipsOneMillisecondLater) {
  query("e.at >= datetime.realtime() - duration({minutes: 5})");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  stepTo(5 * kMinute);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(5 * kMinute + 1);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, AChangeExactlyAtTheThresholdIsOutAndSchedulesNothing) {
  query("e.at > datetime.realtime() - duration({minutes: 5})");
  at(10 * kMinute, {event(ChangeOp::Insert, 1, 5 * kMinute)});
  EXPECT_TRUE(ids().empty());
  EXPECT_TRUE(sink.diffs.empty());
  EXPECT_EQ(engine.pendingFutures(), 0u);
}

TEST_F(ClockPredicateTest, AnAgeingRowEntersWhenItIsOldEnough) {
  // "Stuck for two hours", written with the clock on the left.
  query("datetime.realtime() - duration({hours: 2}) >= e.at");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  EXPECT_TRUE(ids().empty());
  stepTo(120 * kMinute - 1);
  EXPECT_TRUE(ids().empty());
  stepTo(120 * kMinute);
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"id":1})"});
  ASSERT_EQ(sink.diffs.size(), 1u);
  EXPECT_EQ(sink.diffs[0].added.size(), 1u);
}

TEST_F(ClockPredicateTest, ARowThatLeavesAndReentersFollowsItsNewInstant) {
  query("e.at > datetime.realtime() - duration({minutes: 5})");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  stepTo(6 * kMinute);
  EXPECT_TRUE(ids().empty());
  at(7 * kMinute, {event(ChangeOp::Update, 1, 7 * kMinute)});
  EXPECT_EQ(ids().size(), 1u);
  // Moved forward while inside: the first deadline must not drop it.
  at(8 * kMinute, {event(ChangeOp::Update, 1, 8 * kMinute)});
  stepTo(12 * kMinute);
  EXPECT_EQ(ids().size(), 1u) << "the superseded deadline at 12 min changed nothing";
  stepTo(13 * kMinute);
  EXPECT_TRUE(ids().empty());
  EXPECT_EQ(sink.diffs.size(), 4u) << "in, out, in, out: no diff for the move or the old timer";
}

TEST_F(ClockPredicateTest, ADeletedRowWithAPendingDeadlineStaysDeleted) {
  query("e.at > datetime.realtime() - duration({minutes: 5})");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  at(kMinute, {event(ChangeOp::Delete, 1, 0)});
  stepTo(10 * kMinute);
  EXPECT_TRUE(ids().empty());
  EXPECT_EQ(sink.diffs.size(), 2u);
}

TEST_F(ClockPredicateTest, AClockJumpOverSeveralDeadlinesSettlesThemAll) {
  engine.addQuery({"count",
                   "MATCH (e:events) WHERE e.at > datetime.realtime() - duration({minutes: 5}) "
                   "RETURN count(e) AS recent",
                   {}});
  at(0, {event(ChangeOp::Insert, 1, 0), event(ChangeOp::Insert, 2, kMinute),
         event(ChangeOp::Insert, 3, 2 * kMinute), event(ChangeOp::Insert, 4, 9 * kMinute)});
  EXPECT_EQ(rows("count"), std::vector<std::string>{R"({"recent":4})"});
  stepTo(8 * kMinute);  // past the deadlines of events 1, 2 and 3 at once
  EXPECT_EQ(rows("count"), std::vector<std::string>{R"({"recent":1})"});
  stepTo(14 * kMinute);
  EXPECT_TRUE(rows("count").empty() ||
              rows("count") == std::vector<std::string>{R"({"recent":0})"});
}

TEST_F(ClockPredicateTest, EpochMillisecondsWithTimestamp) {
  query("e.at_ms > timestamp() - 60000");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  stepTo(kMinute - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(kMinute);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, TodayEndsAtMidnight) {
  constexpr int64_t kDay = 24 * 60 * kMinute;
  query("e.at >= datetime.truncate('day', datetime.realtime())");
  at(kDay + 10 * 60 * kMinute,
     {event(ChangeOp::Insert, 1, kDay + 10 * 60 * kMinute), event(ChangeOp::Insert, 2, kDay - 1)});
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"id":1})"}) << "event 2 was yesterday";
  EXPECT_EQ(engine.pendingFutures(), 1u) << "yesterday's event can never come back";
  stepTo(2 * kDay - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(2 * kDay);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, DateOfTheClockIsToday) {
  constexpr int64_t kDay = 24 * 60 * kMinute;
  query("e.at >= date()");
  at(kDay + kMinute, {event(ChangeOp::Insert, 1, kDay + kMinute)});
  stepTo(2 * kDay - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(2 * kDay);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, ThisMonthEndsOnTheFirstOfTheNext) {
  constexpr int64_t kDay = 24 * 60 * kMinute;
  // January 1970 has 31 days: the row leaves at 1970-02-01T00:00Z.
  query("e.at >= date.truncate('month', date.realtime())");
  at(20 * kDay, {event(ChangeOp::Insert, 1, 10 * kDay)});
  EXPECT_EQ(engine.pendingFutures(), 1u);
  stepTo(31 * kDay - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(31 * kDay);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, LocalDateTimeClockVariantsMoveWithTheClock) {
  query("e.at > localdatetime.realtime() - duration({minutes: 5})");
  at(0, {event(ChangeOp::Insert, 1, 0)});
  stepTo(5 * kMinute - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(5 * kMinute);
  EXPECT_TRUE(ids().empty());
}

TEST_F(ClockPredicateTest, ThisHourAndTheLastWithAnOffsetOnATruncatedClock) {
  constexpr int64_t kHour = 60 * kMinute;
  query("datetime.truncate('hour', datetime.realtime()) - duration({hours: 1}) <= e.at");
  at(5 * kHour + 30 * kMinute, {event(ChangeOp::Insert, 1, 4 * kHour + 59 * kMinute)});
  stepTo(6 * kHour - 1);
  EXPECT_EQ(ids().size(), 1u);
  stepTo(6 * kHour);
  EXPECT_TRUE(ids().empty());
}

// Today and yesterday side by side, from one query (the analytics example's
// events-today-vs-yesterday): the CASE inside each count compares with the clock too, so at
// midnight today's events move to yesterday and yesterday's leave, with no change in the data.
TEST_F(ClockPredicateTest, TodayAndYesterdayCountsMoveAtMidnight) {
  constexpr int64_t kDay = 24 * 60 * kMinute;
  engine.addQuery(
      {"q",
       "MATCH (e:events) "
       "WHERE e.at >= datetime.truncate('day', datetime.realtime()) - duration({days: 1}) "
       "RETURN count(CASE WHEN e.at >= datetime.truncate('day', datetime.realtime()) "
       "THEN 1 END) AS today, "
       "count(CASE WHEN e.at < datetime.truncate('day', datetime.realtime()) "
       "THEN 1 END) AS yesterday",
       {}});
  at(2 * kDay + 60 * kMinute, {event(ChangeOp::Insert, 1, 2 * kDay + 30 * kMinute),
                               event(ChangeOp::Insert, 2, 2 * kDay + 45 * kMinute),
                               event(ChangeOp::Insert, 3, kDay + 10 * 60 * kMinute),
                               event(ChangeOp::Insert, 4, 10 * 60 * kMinute)});
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"today":2,"yesterday":1})"})
      << "event 4 is from the day before yesterday";
  stepTo(3 * kDay - 1);
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"today":2,"yesterday":1})"});
  stepTo(3 * kDay);
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"today":0,"yesterday":2})"})
      << "today's two are yesterday's now; yesterday's one has left";
  at(3 * kDay + kMinute, {event(ChangeOp::Insert, 5, 3 * kDay + kMinute)});
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"today":1,"yesterday":2})"});
  stepTo(4 * kDay);
  EXPECT_EQ(ids(), std::vector<std::string>{R"({"today":0,"yesterday":1})"});
  stepTo(5 * kDay);
  EXPECT_TRUE(ids().empty()) << "an empty group is deleted";
}

}  // namespace
}  // namespace livedash::engine
