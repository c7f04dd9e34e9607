// tests/unit/engine/engine_test.cpp
#include "engine/engine.hpp"

#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;
using testing::orderChange;
using testing::RecordingSink;
using testing::sortedRows;

constexpr const char* kOrderStats =
    "MATCH (o:orders)\n"
    "WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue\n"
    "RETURN status, orderCount, totalValue";

class EngineTest : public testing::EngineFixture {
 protected:
  void add(const std::string& id, const std::string& text) { engine.addQuery({id, text, {}}); }
};

TEST_F(EngineTest, GroupCountAndSumFollowStatusChanges) {
  add("stats", kOrderStats);
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 129.99),
                        orderChange(ChangeOp::Insert, 2, "processing", 249.99),
                        orderChange(ChangeOp::Insert, 3, "processing", 89.99)}));
  ASSERT_EQ(sink.json.size(), 1u);
  EXPECT_EQ(rows("stats"), (std::vector<std::string>{
                               R"({"status":"pending","orderCount":1,"totalValue":129.99})",
                               R"({"status":"processing","orderCount":2,"totalValue":339.98})"}));
  // Moving the only pending order empties its group: the group is deleted, not left at zero.
  engine.apply(batchOf({orderChange(ChangeOp::Update, 1, "processing", 129.99)}, 2000));
  ASSERT_EQ(sink.json.size(), 2u);
  EXPECT_EQ(sink.json[1],
            R"({"queryId":"stats","sequence":2,"timestamp":2000,"added":[],)"
            R"("updated":[{"before":{"status":"processing","orderCount":2,"totalValue":339.98},)"
            R"("after":{"status":"processing","orderCount":3,"totalValue":469.97}}],)"
            R"("deleted":[{"status":"pending","orderCount":1,"totalValue":129.99}]})");
}

TEST_F(EngineTest, UpdateThatChangesNothingEmitsNothing) {
  add("stats", kOrderStats);
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10)}));
  core::Change touch;
  touch.op = ChangeOp::Update;
  touch.element.id = "orders:1";
  touch.element.labels = {"orders"};
  touch.element.properties = {{"customer_name", core::Value("someone else")}};
  engine.apply(batchOf({touch}));
  EXPECT_EQ(sink.json.size(), 1u);
}

TEST_F(EngineTest, UpdateMergesPropertiesIntoTheStoredElement) {
  add("pending", "MATCH (o:orders) WHERE o.status = 'pending' RETURN o.id AS id, o.total AS total");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 7, "pending", 5)}));
  core::Change partial;
  partial.op = ChangeOp::Update;
  partial.element.id = "orders:7";
  partial.element.labels = {"orders"};
  partial.element.properties = {{"total", core::Value(6)}};
  engine.apply(batchOf({partial}));
  EXPECT_EQ(rows("pending"), std::vector<std::string>{R"({"id":7,"total":6})"});
  EXPECT_EQ(sink.diffs.back().updated.size(), 1u);
}

TEST_F(EngineTest, OneDiffPerTransactionWithNetEffect) {
  add("pending", "MATCH (o:orders) WHERE o.status = 'pending' RETURN o.id AS id");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 5),
                        orderChange(ChangeOp::Update, 1, "shipped", 5),
                        orderChange(ChangeOp::Insert, 2, "pending", 5)}));
  ASSERT_EQ(sink.diffs.size(), 1u);
  EXPECT_EQ(sink.diffs[0].added.size(), 1u);
  EXPECT_EQ(sink.diffs[0].sequence, 1u);
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 2, "", 0)}));
  ASSERT_EQ(sink.diffs.size(), 2u);
  EXPECT_EQ(sink.diffs[1].deleted.size(), 1u);
  EXPECT_EQ(sink.diffs[1].sequence, 2u);
  EXPECT_EQ(engine.findQuery("pending")->snapshot().sequence, 2u);
}

TEST_F(EngineTest, TopNPromotesTheNextRowOnDelete) {
  add("recent",
      "MATCH (o:orders) RETURN o.id AS orderId, o.created_at AS createdAt "
      "ORDER BY o.created_at DESC LIMIT 2");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "a", 1, "2026-01-01"),
                        orderChange(ChangeOp::Insert, 2, "a", 1, "2026-01-02"),
                        orderChange(ChangeOp::Insert, 3, "a", 1, "2026-01-03")}));
  QuerySnapshot s = engine.findQuery("recent")->snapshot();
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[0][0], core::Value(3));
  EXPECT_EQ(s.rows[1][0], core::Value(2));
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 3, "", 0)}));
  const QueryDiff& d = sink.diffs.back();
  ASSERT_EQ(d.deleted.size(), 1u);
  EXPECT_EQ(d.deleted[0][0], core::Value(3));
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0][0], core::Value(1));
}

TEST_F(EngineTest, MinAndMaxStayCorrectUnderDeletes) {
  add("extremes", "MATCH (o:orders) RETURN min(o.total) AS lo, max(o.total) AS hi, count(*) AS n");
  engine.apply(
      batchOf({orderChange(ChangeOp::Insert, 1, "a", 5), orderChange(ChangeOp::Insert, 2, "a", 9),
               orderChange(ChangeOp::Insert, 3, "a", 1)}));
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 3, "", 0)}));
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 2, "", 0)}));
  EXPECT_EQ(rows("extremes"), std::vector<std::string>{R"({"lo":5.0,"hi":5.0,"n":1})"});
}

TEST_F(EngineTest, LinearGradientIsTheLeastSquaresSlopeUnderChanges) {
  // y = total over x = id: points (1, 2), (2, 4), (3, 6) lie on y = 2x.
  add("trend", "MATCH (o:orders) RETURN o.status AS s, drasi.linearGradient(o.id, o.total) AS k");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "a", 2)}));
  EXPECT_EQ(rows("trend"), std::vector<std::string>{R"({"s":"a","k":null})"}) << "one point";
  engine.apply(batchOf(
      {orderChange(ChangeOp::Insert, 2, "a", 4), orderChange(ChangeOp::Insert, 3, "a", 6)}));
  EXPECT_EQ(rows("trend"), std::vector<std::string>{R"({"s":"a","k":2.0})"});
  // (3, 6) → (3, 0): least squares over (1,2), (2,4), (3,0) gives -1.
  engine.apply(batchOf({orderChange(ChangeOp::Update, 3, "a", 0)}));
  EXPECT_EQ(rows("trend"), std::vector<std::string>{R"({"s":"a","k":-1.0})"});
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 3, "", 0)}));
  EXPECT_EQ(rows("trend"), std::vector<std::string>{R"({"s":"a","k":2.0})"})
      << "the deleted point leaves no trace";
}

TEST_F(EngineTest, LastIsTheLatestValueToArrive) {
  add("latest", "MATCH (o:orders) RETURN o.status AS s, drasi.last(o.total) AS t");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "a", 5)}));
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 2, "a", 9)}));
  EXPECT_EQ(rows("latest"), std::vector<std::string>{R"({"s":"a","t":9.0})"});
  engine.apply(batchOf({orderChange(ChangeOp::Update, 1, "a", 7)}));
  EXPECT_EQ(rows("latest"), std::vector<std::string>{R"({"s":"a","t":7.0})"});
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 1, "", 0)}));
  EXPECT_EQ(rows("latest"), std::vector<std::string>{R"({"s":"a","t":7.0})"})
      << "a contribution leaving does not bring back an older value";
}

TEST_F(EngineTest, CountDistinctAndHaving) {
  add("busy",
      "MATCH (o:orders) WITH o.status AS status, count(DISTINCT o.customer_name) AS customers "
      "WHERE customers > 1 RETURN status, customers");
  engine.apply(
      batchOf({orderChange(ChangeOp::Insert, 1, "a", 1), orderChange(ChangeOp::Insert, 6, "a", 1),
               orderChange(ChangeOp::Insert, 2, "b", 1)}));
  EXPECT_TRUE(rows("busy").empty()) << "orders 1 and 6 share customer c1";
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 3, "a", 1)}));
  EXPECT_EQ(rows("busy"), std::vector<std::string>{R"({"status":"a","customers":2})"});
}

TEST_F(EngineTest, QueryAddedLaterStartsFromCurrentElements) {
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 3)}));
  add("stats", kOrderStats);
  EXPECT_EQ(rows("stats"),
            std::vector<std::string>{R"({"status":"pending","orderCount":1,"totalValue":3.0})"});
  EXPECT_EQ(engine.findQuery("stats")->snapshot().sequence, 0u);
}

TEST_F(EngineTest, AVariableNamedInTwoMatchesNeedsBothLabels) {
  // Found by the fuzzer: the second label check dereferenced a dropped element.
  add("both", "MATCH (o:archived) MATCH (o:orders) RETURN o.id AS id");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 5)}));
  EXPECT_TRUE(rows("both").empty());
  core::Change both = orderChange(ChangeOp::Insert, 2, "pending", 5);
  both.element.labels.push_back("archived");
  engine.apply(batchOf({both}));
  EXPECT_EQ(rows("both"), std::vector<std::string>{R"({"id":2})"});
}

core::Error addError(Engine& engine, const std::string& text) {
  return testing::addQueryError(engine, text);
}

TEST_F(EngineTest, SemanticErrorsNameTheProblemAndPointAtIt) {
  core::Error unknown = addError(engine, "MATCH (o:orders) WHERE x.status = 'a' RETURN o.id");
  EXPECT_STREQ(unknown.what(), "unknown variable `x`");
  EXPECT_EQ(unknown.span()->offset, 23u);
  core::Error typo = addError(engine, "MATCH (order:orders) RETURN ordr.id");
  EXPECT_EQ(typo.hint(), "did you mean `order`?");
  core::Error nested = addError(engine, "MATCH (o:orders) RETURN count(sum(o.total)) AS x");
  EXPECT_STREQ(nested.what(), "aggregate inside aggregate");
  core::Error fn = addError(engine, "MATCH (o:orders) RETURN toUppr(o.status) AS x");
  EXPECT_EQ(fn.hint(), "did you mean `toUpper`?");
  core::Error arity = addError(engine, "MATCH (o:orders) RETURN drasi.linearGradient(o.id) AS k");
  EXPECT_STREQ(arity.what(), "`drasi.linearGradient` takes 2 arguments, got 1");
}

}  // namespace
}  // namespace livedash::engine

namespace livedash::engine {
namespace {

class EngineSchemaTest : public testing::EngineFixture {};

TEST_F(EngineSchemaTest, TruncateDeletesEveryNodeOfTheLabel) {
  engine.addQuery({"stats", kOrderStats, {}});
  engine.apply(testing::batchOf({testing::orderChange(ChangeOp::Insert, 1, "pending", 10.0),
                                 testing::orderChange(ChangeOp::Insert, 2, "shipped", 20.0)}));
  core::ChangeBatch truncate;
  truncate.commit_time_ms = 2000;
  core::Change all;
  all.op = ChangeOp::Truncate;
  all.element.labels = {"orders"};
  truncate.changes.push_back(all);
  truncate.changes.push_back(testing::orderChange(ChangeOp::Insert, 3, "pending", 5.0));
  engine.apply(truncate);
  EXPECT_EQ(rows("stats"),
            (std::vector<std::string>{R"({"status":"pending","orderCount":1,"totalValue":5.0})"}));
}

TEST_F(EngineSchemaTest, ADroppedColumnFailsOnlyTheQueriesThatReadIt) {
  engine.addQuery({"stats", kOrderStats, {}});
  engine.addQuery({"names", "MATCH (o:orders) RETURN o.id AS id", {}});
  engine.addQuery({"joined",
                   "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) RETURN p.id AS id",
                   {},
                   {JoinSpec{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}}});
  engine.apply(testing::batchOf({testing::orderChange(ChangeOp::Insert, 1, "pending", 10.0)}));
  core::ChangeBatch alter;
  alter.commit_time_ms = 2000;
  alter.dropped_properties = {{"orders", "status"}};
  engine.apply(alter);
  EXPECT_TRUE(engine.findQuery("stats")->error().has_value());
  EXPECT_NE(engine.findQuery("stats")->error()->find("column `status` of `orders` was dropped"),
            std::string::npos);
  EXPECT_FALSE(engine.findQuery("names")->error().has_value());
  EXPECT_FALSE(engine.findQuery("joined")->error().has_value());
  // A failed query stops following changes; the others go on.
  size_t diffs = sink.json.size();
  engine.apply(testing::batchOf({testing::orderChange(ChangeOp::Insert, 2, "shipped", 1.0)}, 3000));
  EXPECT_EQ(sink.json.size(), diffs + 1);  // only `names`
  alter.dropped_properties = {{"orders", "id"}};
  engine.apply(alter);
  EXPECT_TRUE(engine.findQuery("names")->error().has_value());
  EXPECT_TRUE(engine.findQuery("joined")->error().has_value()) << "the join reads orders.id";
}

}  // namespace
}  // namespace livedash::engine
