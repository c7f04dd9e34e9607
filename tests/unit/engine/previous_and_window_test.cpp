// tests/unit/engine/previous_and_window_test.cpp
//
// drasi.previousValue, drasi.previousDistinctValue and drasi.slidingWindow, with a stepped
// clock, as drasi-semantics.md describes them.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;

constexpr int64_t kMinute = 60'000;

core::Change reading(ChangeOp op, int id, double value, const std::string& status = "ok") {
  core::Change c;
  c.op = op;
  c.element.id = "sensors:" + std::to_string(id);
  c.element.labels = {"sensors"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {
        {"id", core::Value(id)}, {"value", core::Value(value)}, {"status", core::Value(status)}};
  }
  return c;
}

class PreviousAndWindowTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    clock.setMs(0);
  }
};

TEST_F(PreviousAndWindowTest, PreviousValueIsTheValueBeforeTheLatestChange) {
  engine.addQuery({"q",
                   "MATCH (s:sensors) RETURN s.id AS id, s.value AS value, "
                   "drasi.previousValue(s.value) AS previous, "
                   "drasi.previousDistinctValue(s.value, -1) AS previousDistinct",
                   {}});
  at(0, {reading(ChangeOp::Insert, 1, 10)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{
                           R"({"id":1,"value":10.0,"previous":null,"previousDistinct":-1})"});
  at(1000, {reading(ChangeOp::Update, 1, 20)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{
                           R"({"id":1,"value":20.0,"previous":10.0,"previousDistinct":10.0})"});
  // Another property changes: the value before this change is 20, the last different one 10.
  at(2000, {reading(ChangeOp::Update, 1, 20, "warn")});
  EXPECT_EQ(rows("q"), std::vector<std::string>{
                           R"({"id":1,"value":20.0,"previous":20.0,"previousDistinct":10.0})"});
  at(3000, {reading(ChangeOp::Update, 1, 30)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{
                           R"({"id":1,"value":30.0,"previous":20.0,"previousDistinct":20.0})"});
}

TEST_F(PreviousAndWindowTest, PreviousDistinctValueInAWhereFindsTransitions) {
  // Alert on sensors that went from ok to failed, whatever happened to them since.
  engine.addQuery({"q",
                   "MATCH (s:sensors) WHERE s.status = 'failed' AND "
                   "drasi.previousDistinctValue(s.status) = 'ok' RETURN s.id AS id",
                   {}});
  at(0, {reading(ChangeOp::Insert, 1, 1, "ok"), reading(ChangeOp::Insert, 2, 1, "warn")});
  at(1000, {reading(ChangeOp::Update, 1, 1, "failed"), reading(ChangeOp::Update, 2, 1, "failed")});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1})"});
  at(2000, {reading(ChangeOp::Update, 1, 5, "failed")});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1})"}) << "still ok → failed";
}

TEST_F(PreviousAndWindowTest, PreviousValueIsPerRowAndForgetsDeletedRows) {
  engine.addQuery(
      {"q", "MATCH (s:sensors) RETURN s.id AS id, drasi.previousValue(s.value, 0) AS p", {}});
  at(0, {reading(ChangeOp::Insert, 1, 10), reading(ChangeOp::Insert, 2, 50)});
  at(1000, {reading(ChangeOp::Update, 2, 60)});
  EXPECT_EQ(rows("q"), (std::vector<std::string>{R"({"id":1,"p":0})", R"({"id":2,"p":50.0})"}));
  at(2000, {reading(ChangeOp::Delete, 2, 0)});
  at(3000, {reading(ChangeOp::Insert, 2, 70)});
  EXPECT_EQ(rows("q"), (std::vector<std::string>{R"({"id":1,"p":0})", R"({"id":2,"p":0})"}));
}

TEST_F(PreviousAndWindowTest, PreviousValueDoesNotMoveWhenOnlyTimePasses) {
  engine.addQuery({"q",
                   "MATCH (s:sensors) WHERE drasi.trueFor(s.value > 5, duration({minutes: 1})) "
                   "RETURN s.id AS id, drasi.previousValue(s.value) AS p",
                   {}});
  at(0, {reading(ChangeOp::Insert, 1, 1)});
  at(1000, {reading(ChangeOp::Update, 1, 9)});
  stepTo(kMinute + 1000);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1,"p":1.0})"});
}

TEST_F(PreviousAndWindowTest, PreviousValueOutsideThePerRowPartIsRefused) {
  EXPECT_THROW(engine.addQuery({"q",
                                "MATCH (s:sensors) RETURN s.status AS status, "
                                "drasi.previousValue(count(s)) AS p",
                                {}}),
               core::Error);
  EXPECT_THROW(engine.addQuery({"q",
                                "MATCH (s:sensors) WITH s.value AS v "
                                "RETURN drasi.previousValue(v) AS p",
                                {}}),
               core::Error);
}

TEST_F(PreviousAndWindowTest, SlidingWindowAggregatesOnlyRecentChanges) {
  engine.addQuery({"q",
                   "MATCH (s:sensors) RETURN "
                   "drasi.slidingWindow(duration({minutes: 5}), avg(s.value)) AS avg5m, "
                   "drasi.slidingWindow(duration({minutes: 5}), count(*)) AS n5m, "
                   "count(s) AS all",
                   {}});
  at(0, {reading(ChangeOp::Insert, 1, 10)});
  at(2 * kMinute, {reading(ChangeOp::Insert, 2, 20)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"avg5m":15.0,"n5m":2,"all":2})"});
  stepTo(5 * kMinute);  // sensor 1's change is now 5 minutes old: out of the window
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"avg5m":20.0,"n5m":1,"all":2})"});
  // An update replaces the element's contribution and restarts its window.
  at(6 * kMinute, {reading(ChangeOp::Update, 2, 40)});
  stepTo(7 * kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"avg5m":40.0,"n5m":1,"all":2})"});
  stepTo(11 * kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"avg5m":null,"n5m":0,"all":2})"});
}

TEST_F(PreviousAndWindowTest, SlidingWindowPerGroup) {
  engine.addQuery({"q",
                   "MATCH (s:sensors) WITH s.status AS status, "
                   "drasi.slidingWindow(duration({minutes: 1}), max(s.value)) AS peak "
                   "RETURN status, peak",
                   {}});
  at(0, {reading(ChangeOp::Insert, 1, 10, "ok"), reading(ChangeOp::Insert, 2, 30, "ok")});
  at(30'000, {reading(ChangeOp::Insert, 3, 20, "ok")});
  stepTo(kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"status":"ok","peak":20.0})"});
}

TEST_F(PreviousAndWindowTest, SlidingWindowErrorsAreClear) {
  try {
    engine.addQuery(
        {"q", "MATCH (s:sensors) RETURN drasi.slidingWindow(duration({minutes: 1}), s.value)", {}});
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("must be an aggregate"), std::string::npos) << e.what();
  }
  EXPECT_THROW(engine.addQuery({"q",
                                "MATCH (s:sensors) WITH s.value AS v "
                                "RETURN drasi.slidingWindow(duration({minutes: 1}), sum(v)) AS x",
                                {}}),
               core::Error);
}

}  // namespace
}  // namespace livedash::engine
