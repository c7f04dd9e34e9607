// tests/unit/engine/decimal_engine_test.cpp
//
// Exact decimals (PostgreSQL numeric) through filters, arithmetic, aggregates and diff JSON.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;

core::Value dec(std::string_view text) {
  return core::Value(core::parseDecimal(text).value());
}

core::Change order(ChangeOp op, int id, std::string_view total) {
  core::Change c;
  c.op = op;
  c.element.id = "orders:" + std::to_string(id);
  c.element.labels = {"orders"};
  if (op != ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)}, {"total", dec(total)}};
  }
  return c;
}

class DecimalEngineTest : public testing::EngineFixture {
 protected:
  void add(const std::string& id, const std::string& text) { engine.addQuery({id, text, {}}); }
};

TEST_F(DecimalEngineTest, FiltersCompareDecimalsExactly) {
  add("big", "MATCH (o:orders) WHERE o.total > 100.5 RETURN o.id AS id, o.total AS total");
  engine.apply(batchOf({order(ChangeOp::Insert, 1, "100.50"), order(ChangeOp::Insert, 2, "100.51"),
                        order(ChangeOp::Insert, 3, "99.99"), order(ChangeOp::Insert, 4, "1000")}));
  EXPECT_EQ(rows("big"),
            (std::vector<std::string>{R"({"id":2,"total":100.51})", R"({"id":4,"total":1000.0})"}));
  add("eq", "MATCH (o:orders) WHERE o.total = 100.5 AND o.total >= 100 RETURN o.id AS id");
  EXPECT_EQ(rows("eq"), std::vector<std::string>{R"({"id":1})"});
}

TEST_F(DecimalEngineTest, SumMinMaxAndAvgOverDecimals) {
  add("agg",
      "MATCH (o:orders) RETURN sum(o.total) AS s, min(o.total) AS lo, max(o.total) AS hi, "
      "avg(o.total) AS a, count(*) AS n");
  engine.apply(
      batchOf({order(ChangeOp::Insert, 1, "0.1"), order(ChangeOp::Insert, 2, "0.2"),
               order(ChangeOp::Insert, 3, "129.99"), order(ChangeOp::Insert, 4, "-5.25")}));
  // sum and avg are floats (as in Drasi), summed exactly: 0.1 + 0.2 is 0.3 here.
  EXPECT_EQ(rows("agg"),
            std::vector<std::string>{R"({"s":125.04,"lo":-5.25,"hi":129.99,"a":31.26,"n":4})"});
  engine.apply(batchOf({order(ChangeOp::Delete, 3, ""), order(ChangeOp::Delete, 4, "")}));
  EXPECT_EQ(rows("agg"), std::vector<std::string>{R"({"s":0.3,"lo":0.1,"hi":0.2,"a":0.15,"n":2})"});
}

TEST_F(DecimalEngineTest, ArithmeticStaysExactWithDecimalsAndIntegers) {
  add("math",
      "MATCH (o:orders) RETURN o.total + 0.2 AS f, o.total + o.total AS d, o.total * 3 AS m, "
      "-o.total AS neg, abs(-o.total) AS a, o.total - 1 AS s, toInteger(o.total) AS i, "
      "toString(o.total) AS t, o.total / 2 AS h");
  engine.apply(batchOf({order(ChangeOp::Insert, 1, "0.1")}));
  // A float operand makes a float; decimal and integer operands keep the exact digits.
  EXPECT_EQ(rows("math"), std::vector<std::string>{
                              R"({"f":0.30000000000000004,"d":0.2,"m":0.3,"neg":-0.1,"a":0.1,)"
                              R"("s":-0.9,"i":0,"t":"0.1","h":0.05})"});
}

TEST_F(DecimalEngineTest, LongNumericsSurviveIntoDiffJson) {
  add("all", "MATCH (o:orders) RETURN o.id AS id, o.total AS total");
  engine.apply(batchOf({order(ChangeOp::Insert, 1, "1234567890123456789012345.67890")}, 5000));
  ASSERT_EQ(sink.json.size(), 1u);
  EXPECT_EQ(sink.json[0], R"({"queryId":"all","sequence":1,"timestamp":5000,)"
                          R"("added":[{"id":1,"total":1234567890123456789012345.6789}],)"
                          R"("updated":[],"deleted":[]})");
  // An update to an equal value (other trailing zeros) changes nothing.
  engine.apply(batchOf({order(ChangeOp::Update, 1, "1234567890123456789012345.678900")}, 6000));
  EXPECT_EQ(sink.json.size(), 1u);
}

}  // namespace
}  // namespace livedash::engine
