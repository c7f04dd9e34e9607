// tests/unit/engine/true_for_test.cpp
//
// drasi.trueFor and the future queue, with a stepped clock: the seed's stuck-orders query.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;
using testing::orderChange;

constexpr const char* kStuckOrders =
    "MATCH (o:orders)\n"
    "WHERE o.status IN ['processing', 'packing']\n"
    "  AND drasi.trueFor(o.status = o.status, duration({minutes: 1}))\n"
    "RETURN o.id AS orderId, o.status AS status, drasi.changeDateTime(o) AS lastUpdate";

class TrueForTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    clock.setMs(0);
    engine.addQuery({"stuck", kStuckOrders, {}});
  }
  size_t stuckCount() { return engine.findQuery("stuck")->snapshot().rows.size(); }
};

TEST_F(TrueForTest, ReportsExactlyOnceWhenTheThresholdIsCrossed) {
  at(0, {orderChange(ChangeOp::Insert, 1, "processing", 10)});
  EXPECT_EQ(stuckCount(), 0u);
  EXPECT_EQ(engine.pendingFutures(), 1u);
  stepTo(59'999);
  EXPECT_EQ(stuckCount(), 0u);
  EXPECT_TRUE(sink.diffs.empty());
  stepTo(60'000);  // exactly at the threshold
  ASSERT_EQ(sink.diffs.size(), 1u);
  ASSERT_EQ(sink.diffs[0].added.size(), 1u);
  EXPECT_EQ(sink.json[0],
            R"({"queryId":"stuck","sequence":1,"timestamp":60000,"added":[{"orderId":1,)"
            R"("status":"processing","lastUpdate":"1970-01-01T00:00:00.000Z"}],"updated":[],)"
            R"("deleted":[]})");
  stepTo(300'000);
  EXPECT_EQ(sink.diffs.size(), 1u) << "no second report while it stays stuck";
}

TEST_F(TrueForTest, KeepsItsStartWhileTrueAndWithdrawsWhenTheOrderMovesOn) {
  at(0, {orderChange(ChangeOp::Insert, 1, "processing", 10)});
  at(30'000, {orderChange(ChangeOp::Update, 1, "packing", 10)});
  stepTo(60'000);
  ASSERT_EQ(stuckCount(), 1u) << "the condition held since 0, through the move to packing";
  at(70'000, {orderChange(ChangeOp::Update, 1, "shipped", 10)});
  EXPECT_EQ(stuckCount(), 0u);
  EXPECT_EQ(sink.diffs.back().deleted.size(), 1u);
  // Re-entering starts afresh: stuck again only a full minute later.
  at(80'000, {orderChange(ChangeOp::Update, 1, "processing", 10)});
  stepTo(139'999);
  EXPECT_EQ(stuckCount(), 0u);
  stepTo(140'000);
  EXPECT_EQ(stuckCount(), 1u);
}

TEST_F(TrueForTest, DeletedRowWithAPendingTimerIsNeverReported) {
  at(0, {orderChange(ChangeOp::Insert, 1, "processing", 10)});
  at(10'000, {orderChange(ChangeOp::Delete, 1, "", 0)});
  stepTo(120'000);
  EXPECT_EQ(stuckCount(), 0u);
  EXPECT_TRUE(sink.diffs.empty());
}

TEST_F(TrueForTest, AClockJumpOverSeveralDeadlinesGivesOneDiff) {
  at(0, {orderChange(ChangeOp::Insert, 1, "processing", 10)});
  at(10'000, {orderChange(ChangeOp::Insert, 2, "packing", 10)});
  at(20'000, {orderChange(ChangeOp::Insert, 3, "processing", 10)});
  stepTo(500'000);
  ASSERT_EQ(sink.diffs.size(), 1u);
  EXPECT_EQ(sink.diffs[0].added.size(), 3u);
}

TEST_F(TrueForTest, RowsPresentAtBootstrapStartAtTheSnapshotTime) {
  Engine later(clock);
  testing::RecordingSink later_sink;
  later.setDiffSink(&later_sink);
  clock.setMs(1'000'000);
  later.apply(batchOf({orderChange(ChangeOp::Insert, 1, "processing", 10)}, 5'000));
  later.addQuery({"stuck", kStuckOrders, {}});
  EXPECT_EQ(later.findQuery("stuck")->snapshot().rows.size(), 0u);
  clock.setMs(1'060'000);
  later.fireDueFutures();
  EXPECT_EQ(later.findQuery("stuck")->snapshot().rows.size(), 1u);
}

TEST_F(TrueForTest, FutureFunctionsOutsideMatchWhereAreRejected) {
  EXPECT_THROW(engine.addQuery(
                   {"bad", "MATCH (o:orders) RETURN drasi.trueFor(o.status = 'a', 1000) AS x", {}}),
               core::Error);
}

}  // namespace
}  // namespace livedash::engine
