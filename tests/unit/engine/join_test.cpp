// tests/unit/engine/join_test.cpp
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;
using testing::orderChange;
using testing::RecordingSink;
using testing::sortedRows;

core::Change payment(ChangeOp op, int id, int order_id, const std::string& status) {
  core::Change c;
  c.op = op;
  c.element.id = "payments:" + std::to_string(id);
  c.element.labels = {"payments"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)},
                            {"order_id", core::Value(order_id)},
                            {"status", core::Value(status)},
                            {"amount", core::Value(10.5)}};
  }
  return c;
}

core::Change relation(ChangeOp op, const std::string& id, const std::string& start,
                      const std::string& end) {
  core::Change c;
  c.op = op;
  c.element.id = id;
  c.element.labels = {"PLACED"};
  c.element.start_id = start;
  c.element.end_id = end;
  return c;
}

const std::vector<JoinSpec> kForOrder = {
    {"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}};

constexpr const char* kPaymentIssues =
    "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) WHERE p.status IN ['pending', 'failed'] "
    "RETURN o.id AS orderId, o.customer_name AS customerName, p.status AS paymentStatus";

class JoinTest : public testing::EngineFixture {};

TEST_F(JoinTest, SyntheticJoinFollowsBothSidesAndMovesWithItsKey) {
  engine.addQuery({"issues", kPaymentIssues, {}, kForOrder});
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 5),
                        orderChange(ChangeOp::Insert, 2, "pending", 5),
                        payment(ChangeOp::Insert, 10, 1, "failed")}));
  EXPECT_EQ(rows("issues"), std::vector<std::string>{
                                R"({"orderId":1,"customerName":"c1","paymentStatus":"failed"})"});
  // The order side changes: the joined row updates.
  engine.apply(batchOf({orderChange(ChangeOp::Update, 1, "processing", 5)}));
  EXPECT_EQ(sink.diffs.back().updated.size(), 0u) << "customer name did not change";
  // The join value changes: the payment now belongs to order 2.
  engine.apply(batchOf({payment(ChangeOp::Update, 10, 2, "failed")}));
  EXPECT_EQ(rows("issues"), std::vector<std::string>{
                                R"({"orderId":2,"customerName":"c2","paymentStatus":"failed"})"});
  // The payment is fixed: the issue disappears.
  engine.apply(batchOf({payment(ChangeOp::Update, 10, 2, "completed")}));
  EXPECT_TRUE(rows("issues").empty());
  EXPECT_EQ(sink.diffs.back().deleted.size(), 1u);
}

TEST_F(JoinTest, PatternWrittenInEitherDirectionGivesTheSameResult) {
  engine.addQuery({"forward", kPaymentIssues, {}, kForOrder});
  engine.addQuery({"backward",
                   "MATCH (o:orders)<-[:FOR_ORDER]-(p:payments) WHERE p.status IN ['pending', "
                   "'failed'] RETURN o.id AS orderId, o.customer_name AS customerName, p.status "
                   "AS paymentStatus",
                   {},
                   kForOrder});
  engine.apply(batchOf({payment(ChangeOp::Insert, 10, 3, "pending"),
                        orderChange(ChangeOp::Insert, 3, "pending", 5)}));
  EXPECT_EQ(rows("forward").size(), 1u);
  EXPECT_EQ(rows("forward"), rows("backward"));
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 3, "", 0)}));
  EXPECT_TRUE(rows("forward").empty());
  EXPECT_TRUE(rows("backward").empty());
}

TEST_F(JoinTest, AggregateOverAJoin) {
  engine.addQuery({"per-order",
                   "MATCH (p:payments)-[:FOR_ORDER]-(o:orders) RETURN o.id AS orderId, "
                   "count(p) AS payments",
                   {},
                   kForOrder});
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 5),
                        payment(ChangeOp::Insert, 10, 1, "failed"),
                        payment(ChangeOp::Insert, 11, 1, "completed")}));
  EXPECT_EQ(rows("per-order"), std::vector<std::string>{R"({"orderId":1,"payments":2})"});
  engine.apply(batchOf({payment(ChangeOp::Delete, 10, 0, "")}));
  EXPECT_EQ(rows("per-order"), std::vector<std::string>{R"({"orderId":1,"payments":1})"});
}

TEST_F(JoinTest, RelationshipElementsFromAGraphSource) {
  engine.addQuery({"placed",
                   "MATCH (c:customers)-[r:PLACED]->(o:orders) RETURN c.name AS customer, "
                   "o.id AS orderId",
                   {}});
  core::Change customer;
  customer.element.id = "customers:1";
  customer.element.labels = {"customers"};
  customer.element.properties = {{"name", core::Value("Alice")}};
  engine.apply(batchOf({customer, orderChange(ChangeOp::Insert, 5, "pending", 1),
                        relation(ChangeOp::Insert, "placed:1", "customers:1", "orders:5")}));
  EXPECT_EQ(rows("placed"), std::vector<std::string>{R"({"customer":"Alice","orderId":5})"});
  // The wrong direction does not match.
  engine.apply(batchOf({relation(ChangeOp::Update, "placed:1", "orders:5", "customers:1")}));
  EXPECT_TRUE(rows("placed").empty());
  engine.apply(batchOf({relation(ChangeOp::Update, "placed:1", "customers:1", "orders:5")}));
  engine.apply(batchOf({relation(ChangeOp::Delete, "placed:1", "", "")}));
  EXPECT_TRUE(rows("placed").empty());
}

TEST_F(JoinTest, JoinThatDoesNotConnectTheLabelsIsRejected) {
  try {
    engine.addQuery(
        {"bad", "MATCH (p:payments)-[:FOR_ORDER]->(c:customers) RETURN p.id AS id", {}, kForOrder});
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_STREQ(e.what(), "join `FOR_ORDER` does not connect `payments` and `customers`");
  }
}

}  // namespace
}  // namespace livedash::engine

namespace livedash::engine {
namespace {

TEST_F(JoinTest, OptionalMatchKeepsOrdersWithoutPaymentsAndFollowsTheirArrival) {
  engine.addQuery({"with-payments",
                   "MATCH (o:orders) OPTIONAL MATCH (o)<-[:FOR_ORDER]-(p:payments) "
                   "WHERE p.status = 'failed' RETURN o.id AS orderId, p.id AS paymentId",
                   {},
                   kForOrder});
  engine.apply(batchOf({orderChange(ChangeOp::Insert, 1, "pending", 5)}));
  EXPECT_EQ(rows("with-payments"), std::vector<std::string>{R"({"orderId":1,"paymentId":null})"});
  // A payment that does not pass the OPTIONAL MATCH's WHERE leaves the null row.
  engine.apply(batchOf({payment(ChangeOp::Insert, 10, 1, "completed")}));
  EXPECT_EQ(rows("with-payments"), std::vector<std::string>{R"({"orderId":1,"paymentId":null})"});
  // One that passes replaces it.
  engine.apply(batchOf({payment(ChangeOp::Update, 10, 1, "failed")}));
  EXPECT_EQ(rows("with-payments"), std::vector<std::string>{R"({"orderId":1,"paymentId":10})"});
  const QueryDiff& d = sink.diffs.back();
  EXPECT_EQ(d.added.size() + d.deleted.size() + d.updated.size(), 2u);
  // Moving the payment to another order brings the null row back.
  engine.apply(batchOf({payment(ChangeOp::Update, 10, 2, "failed")}));
  EXPECT_EQ(rows("with-payments"), std::vector<std::string>{R"({"orderId":1,"paymentId":null})"});
  engine.apply(batchOf({orderChange(ChangeOp::Delete, 1, "", 0)}));
  EXPECT_TRUE(rows("with-payments").empty());
}

TEST_F(JoinTest, OptionalMatchShapesBeyondOneNodeAreRejected) {
  EXPECT_THROW(engine.addQuery({"bad",
                                "MATCH (o:orders) OPTIONAL MATCH (o)<-[:FOR_ORDER]-(p:payments), "
                                "(c:customers) RETURN o.id AS id",
                                {},
                                kForOrder}),
               core::Error);
}

}  // namespace
}  // namespace livedash::engine
