// tests/unit/engine/in_place_update_test.cpp
//
// The element store updates versions in place and tells queries which properties changed; a
// query skips updates that change nothing it reads. These cases pin what "changed" and "reads"
// must mean for that to be invisible to clients.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;
using testing::orderChange;

core::Change partialUpdate(const std::string& id, const std::string& label, core::Map properties) {
  core::Change c;
  c.op = ChangeOp::Update;
  c.element.id = id;
  c.element.labels = {label};
  c.element.properties = std::move(properties);
  return c;
}

core::Change payment(ChangeOp op, int id, int order_id, const std::string& status) {
  core::Change c;
  c.op = op;
  c.element.id = "payments:" + std::to_string(id);
  c.element.labels = {"payments"};
  c.element.properties = {{"id", core::Value(id)},
                          {"order_id", core::Value(order_id)},
                          {"status", core::Value(status)}};
  return c;
}

class InPlaceUpdateTest : public testing::EngineFixture {
 protected:
  void add(const std::string& id, const std::string& text, std::vector<JoinSpec> joins = {}) {
    engine.addQuery({id, text, {}, std::move(joins)});
  }
};

TEST_F(InPlaceUpdateTest, AnUpdateOfAPropertyNobodyReadsSkipsTheQuery) {
  add("totals", "MATCH (o:orders) RETURN o.id AS id, o.total AS total");
  add("names", "MATCH (o:orders) RETURN o.id AS id, o.customer_name AS name");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10)}));
  uint64_t totals_sequence = engine.findQuery("totals")->sequence();
  engine.apply(batchOf({partialUpdate("orders:1", "orders", {{"customer_name", "Zoe"}})}));
  EXPECT_EQ(engine.findQuery("totals")->sequence(), totals_sequence);
  EXPECT_EQ(rows("names"), std::vector<std::string>{R"({"id":1,"name":"Zoe"})"});
  EXPECT_EQ(sink.diffs.back().query_id, "names");
}

TEST_F(InPlaceUpdateTest, TheChangeTimeMovesWithEveryUpdate) {
  add("times", "MATCH (o:orders) RETURN o.id AS id, drasi.changeDateTime(o) AS at");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10)}, 1000));
  // Nothing the query names changes, but the element's change time does.
  engine.apply(batchOf({partialUpdate("orders:1", "orders", {{"status", "pending"}})}, 5000));
  ASSERT_EQ(sink.diffs.size(), 2u);
  ASSERT_EQ(sink.diffs.back().updated.size(), 1u);
  EXPECT_NE(sink.diffs.back().updated[0].first, sink.diffs.back().updated[0].second);
}

TEST_F(InPlaceUpdateTest, AnIntegerBecomingAnEqualFloatIsStored) {
  // 6 = 6.0 in Cypher, so no diff is due, but the stored value (and the snapshot) is the float.
  add("totals", "MATCH (o:orders) RETURN o.id AS id, o.total AS total");
  engine.apply(batchOf({partialUpdate("orders:1", "orders", {{"id", 1}, {"total", 6}})}));
  engine.apply(batchOf({partialUpdate("orders:1", "orders", {{"total", 6.0}})}));
  EXPECT_EQ(engine.elements().find("orders:1")->element.properties.at("total").kind(),
            core::ValueKind::Float);
  EXPECT_EQ(rows("totals"), std::vector<std::string>{R"({"id":1,"total":6.0})"});
}

TEST_F(InPlaceUpdateTest, APartialUpdateOfAJoinKeyMovesTheEdge) {
  add("paid",
      "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) RETURN p.id AS payment, o.id AS order_id",
      {{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}});
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10),
                        orderChange(ChangeOp::Insert, 2, "pending", 20),
                        payment(ChangeOp::Insert, 9, 1, "completed")}));
  EXPECT_EQ(rows("paid"), std::vector<std::string>{R"({"payment":9,"order_id":1})"});
  engine.apply(batchOf({partialUpdate("payments:9", "payments", {{"order_id", core::Value(2)}})}));
  EXPECT_EQ(rows("paid"), std::vector<std::string>{R"({"payment":9,"order_id":2})"});
  // The old key left the index: moving order 1 does nothing to the payment.
  engine.apply(batchOf({orderChange(ChangeOp::Update, 1, "shipped", 10)}));
  EXPECT_EQ(rows("paid"), std::vector<std::string>{R"({"payment":9,"order_id":2})"});
}

TEST_F(InPlaceUpdateTest, DeletedAndInsertedAgainInOneTransaction) {
  add("stats", "MATCH (o:orders) RETURN o.status AS status, count(o) AS n");
  add("list", "MATCH (o:orders) RETURN o.id AS id, o.status AS status");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10),
                        orderChange(ChangeOp::Insert, 2, "pending", 10)}));
  size_t before = sink.diffs.size();
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 1, "", 0),
                        orderChange(ChangeOp::Insert, 3, "pending", 10),
                        orderChange(ChangeOp::Insert, 1, "shipped", 10)}));
  EXPECT_EQ(rows("list"), (std::vector<std::string>{R"({"id":1,"status":"shipped"})",
                                                    R"({"id":2,"status":"pending"})",
                                                    R"({"id":3,"status":"pending"})"}));
  EXPECT_EQ(rows("stats"), (std::vector<std::string>{R"({"status":"pending","n":2})",
                                                     R"({"status":"shipped","n":1})"}));
  ASSERT_EQ(sink.diffs.size(), before + 2);
  const QueryDiff& list =
      sink.diffs.back().query_id == "list" ? sink.diffs.back() : sink.diffs[before];
  EXPECT_EQ(list.updated.size(), 1u) << "order 1 is the same row, with a new status";
  EXPECT_EQ(list.added.size(), 1u);
  EXPECT_TRUE(list.deleted.empty());
}

TEST_F(InPlaceUpdateTest, ARelabelledElementLeavesTheQueriesOfItsOldLabel) {
  add("orders", "MATCH (o:orders) RETURN o.id AS id");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10)}));
  engine.apply(batchOf({partialUpdate("orders:1", "archived", {})}));
  EXPECT_TRUE(rows("orders").empty());
  EXPECT_EQ(sink.diffs.back().deleted.size(), 1u);
}

TEST_F(InPlaceUpdateTest, ADroppedColumnReadOnlyByAnAggregateFailsTheQuery) {
  add("sums", "MATCH (o:orders) RETURN o.status AS status, sum(o.total) AS total");
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 10)}));
  core::ChangeBatch alter;
  alter.dropped_properties = {{"orders", "total"}};
  engine.apply(alter);
  EXPECT_TRUE(engine.findQuery("sums")->error().has_value());
}

}  // namespace
}  // namespace livedash::engine
