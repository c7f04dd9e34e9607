// tests/unit/engine/true_later_until_test.cpp
//
// drasi.trueLater, drasi.trueUntil and drasi.trueNowOrLater with a stepped clock, as
// drasi-semantics.md describes them: each answers from its condition once its time has come,
// and waits (the row stays out) until then.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;

constexpr int64_t kMinute = 60'000;

core::Change task(ChangeOp op, int id, const std::string& status, int64_t due_ms) {
  core::Change c;
  c.op = op;
  c.element.id = "tasks:" + std::to_string(id);
  c.element.labels = {"tasks"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)},
                            {"status", core::Value(status)},
                            {"due", core::Value(core::DateTime{due_ms})}};
  }
  return c;
}

class TrueLaterUntilTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    clock.setMs(0);
  }
  void query(const std::string& where) {
    engine.addQuery({"q", "MATCH (t:tasks) WHERE " + where + " RETURN t.id AS id", {}});
  }
  size_t count() { return rows("q").size(); }
};

TEST_F(TrueLaterUntilTest, TrueLaterAnswersWithTheConditionAtItsTime) {
  query("drasi.trueLater(t.status = 'open', t.due)");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute), task(ChangeOp::Insert, 2, "open", kMinute)});
  EXPECT_EQ(count(), 0u) << "waiting for its time";
  at(30'000, {task(ChangeOp::Update, 2, "closed", kMinute)});
  stepTo(kMinute - 1);
  EXPECT_EQ(count(), 0u);
  stepTo(kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1})"}) << "task 2 closed before its time";
}

TEST_F(TrueLaterUntilTest, TrueLaterAtExactlyItsTimeAnswersAtOnce) {
  query("drasi.trueLater(t.status = 'open', t.due)");
  at(kMinute, {task(ChangeOp::Insert, 1, "open", kMinute)});
  EXPECT_EQ(count(), 1u);
  EXPECT_EQ(engine.pendingFutures(), 0u);
}

TEST_F(TrueLaterUntilTest, TrueUntilWithdrawsAsSoonAsTheConditionFails) {
  query("drasi.trueUntil(t.status = 'open', t.due)");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute), task(ChangeOp::Insert, 2, "open", kMinute)});
  at(20'000, {task(ChangeOp::Update, 2, "closed", kMinute)});
  // Leaving and coming back before the time: it waits again, and counts at the time.
  at(40'000, {task(ChangeOp::Update, 2, "open", kMinute)});
  stepTo(kMinute);
  EXPECT_EQ(count(), 2u);
  at(kMinute + 1, {task(ChangeOp::Update, 1, "closed", kMinute)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":2})"});
}

TEST_F(TrueLaterUntilTest, ADeletedRowWithAPendingTimeStaysDeleted) {
  query("drasi.trueUntil(t.status = 'open', t.due)");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute)});
  at(1000, {task(ChangeOp::Delete, 1, "", 0)});
  stepTo(2 * kMinute);
  EXPECT_EQ(count(), 0u);
  EXPECT_TRUE(sink.diffs.empty());
}

TEST_F(TrueLaterUntilTest, TrueNowOrLaterFindsASilentSensor) {
  // Drasi's heartbeat shape: true now if the last beat is a minute old, else ask again when it
  // will be.
  query(
      "drasi.trueNowOrLater(t.due <= datetime.realtime() - duration({minutes: 1}), "
      "t.due + duration({minutes: 1}))");
  at(0, {task(ChangeOp::Insert, 1, "beat", 0), task(ChangeOp::Insert, 2, "beat", -2 * kMinute)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":2})"}) << "silent for two minutes";
  stepTo(kMinute - 1);
  EXPECT_EQ(count(), 1u);
  stepTo(kMinute);
  EXPECT_EQ(count(), 2u);
  at(kMinute + 5000, {task(ChangeOp::Update, 1, "beat", kMinute + 5000)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":2})"}) << "a new beat clears it";
  stepTo(3 * kMinute);
  EXPECT_EQ(count(), 2u);
}

TEST_F(TrueLaterUntilTest, AClockJumpOverSeveralTimesSettlesThemAll) {
  query("drasi.trueLater(t.status = 'open', t.due)");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute), task(ChangeOp::Insert, 2, "open", 2 * kMinute),
         task(ChangeOp::Insert, 3, "open", 3 * kMinute)});
  stepTo(10 * kMinute);
  EXPECT_EQ(count(), 3u);
  EXPECT_EQ(sink.diffs.size(), 1u) << "one transaction for the jump";
}

}  // namespace
}  // namespace livedash::engine
