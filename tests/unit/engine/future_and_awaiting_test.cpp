// tests/unit/engine/future_and_awaiting_test.cpp
//
// drasi.future(e, ts) with a stepped clock: the value once its time has come, "awaiting" (the
// row stays out of a WHERE, NULL in a projection) until then, and evaluated again at that time.
// drasi.awaiting() filters a row without scheduling anything.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;

constexpr int64_t kMinute = 60'000;

core::Change task(ChangeOp op, int id, const std::string& status, core::Value due) {
  core::Change c;
  c.op = op;
  c.element.id = "tasks:" + std::to_string(id);
  c.element.labels = {"tasks"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {
        {"id", core::Value(id)}, {"status", core::Value(status)}, {"due", std::move(due)}};
  }
  return c;
}

core::Change task(ChangeOp op, int id, const std::string& status, int64_t due_ms) {
  return task(op, id, status, core::Value(core::DateTime{due_ms}));
}

class FutureTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    clock.setMs(0);
  }
  void query(const std::string& rest) { engine.addQuery({"q", "MATCH (t:tasks) " + rest, {}}); }
};

TEST_F(FutureTest, InAWhereTheRowWaitsForItsTime) {
  query("WHERE drasi.future(t.status = 'open', t.due) RETURN t.id AS id");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute), task(ChangeOp::Insert, 2, "open", kMinute)});
  EXPECT_TRUE(rows("q").empty()) << "awaiting";
  EXPECT_EQ(engine.pendingFutures(), 2u);
  at(30'000, {task(ChangeOp::Update, 2, "closed", kMinute)});
  stepTo(kMinute - 1);
  EXPECT_TRUE(rows("q").empty());
  stepTo(kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1})"});
  EXPECT_EQ(engine.pendingFutures(), 0u);
}

TEST_F(FutureTest, APastTimeAnswersAtOnceWithTheValue) {
  query("RETURN t.id AS id, drasi.future(t.status, t.due) AS s");
  at(kMinute, {task(ChangeOp::Insert, 1, "open", kMinute - 1)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1,"s":"open"})"});
  EXPECT_EQ(engine.pendingFutures(), 0u);
}

TEST_F(FutureTest, InAProjectionTheValueArrivesAtItsTime) {
  query("RETURN t.id AS id, drasi.future(t.status, t.due) AS s");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1,"s":null})"});
  at(10'000, {task(ChangeOp::Update, 1, "closed", kMinute)});
  stepTo(kMinute);
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1,"s":"closed"})"})
      << "the value as of its time, not as of the change";
  ASSERT_FALSE(sink.diffs.empty());
  EXPECT_EQ(sink.diffs.back().updated.size(), 1u);
}

TEST_F(FutureTest, ATimeThatIsNotAnInstantGivesNull) {
  query("RETURN t.id AS id, drasi.future(t.status, t.due) AS s");
  at(0, {task(ChangeOp::Insert, 1, "open", core::Value()),
         task(ChangeOp::Insert, 2, "open", core::Value("soon")),
         task(ChangeOp::Insert, 3, "open", core::Value(int64_t{kMinute}))});
  EXPECT_EQ(rows("q"), (std::vector<std::string>{R"({"id":1,"s":null})", R"({"id":2,"s":null})",
                                                 R"({"id":3,"s":null})"}));
  EXPECT_EQ(engine.pendingFutures(), 1u) << "only the epoch-ms time is scheduled";
  stepTo(kMinute);
  EXPECT_EQ(rows("q")[2], R"({"id":3,"s":"open"})");
}

TEST_F(FutureTest, AwaitingFiltersWithoutScheduling) {
  query("WHERE CASE WHEN t.status = 'open' THEN true ELSE drasi.awaiting() END RETURN t.id AS id");
  at(0, {task(ChangeOp::Insert, 1, "open", kMinute), task(ChangeOp::Insert, 2, "done", kMinute)});
  EXPECT_EQ(rows("q"), std::vector<std::string>{R"({"id":1})"});
  EXPECT_EQ(engine.pendingFutures(), 0u);
  at(1000, {task(ChangeOp::Update, 2, "open", kMinute)});
  EXPECT_EQ(rows("q").size(), 2u);
}

TEST_F(FutureTest, MisuseIsAnErrorWithItsPlace) {
  core::Error arity =
      testing::addQueryError(engine, "MATCH (t:tasks) WHERE drasi.future(t.status) RETURN t.id");
  EXPECT_STREQ(arity.what(), "`drasi.future` takes 2 arguments, got 1");
  EXPECT_EQ(arity.span()->offset, 22u);
  core::Error late = testing::addQueryError(
      engine, "MATCH (t:tasks) RETURN count(t) AS n, drasi.future(1, t.due) AS f");
  EXPECT_EQ(late.code(), core::ErrorCode::QueryUnsupported);
  EXPECT_EQ(late.span()->offset, 38u);
}

}  // namespace
}  // namespace livedash::engine
