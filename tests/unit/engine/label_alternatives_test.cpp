// tests/unit/engine/label_alternatives_test.cpp
//
// (n:A|B) matches nodes carrying either label, each node once even when it carries both, alone
// or as part of a relationship pattern, incrementally and from a bootstrap alike.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

using core::ChangeOp;
using testing::batchOf;

core::Change node(ChangeOp op, const std::string& id, core::Labels labels, int size = 1) {
  core::Change c;
  c.op = op;
  c.element.id = id;
  c.element.labels = std::move(labels);
  if (op != ChangeOp::Delete)
    c.element.properties = {{"size", core::Value(size)}};
  return c;
}

core::Change edge(const std::string& id, const std::string& start, const std::string& end) {
  core::Change c;
  c.element.id = id;
  c.element.labels = {"HOLDS"};
  c.element.start_id = start;
  c.element.end_id = end;
  return c;
}

constexpr const char* kEither = "MATCH (n:orders|returns) RETURN elementId(n) AS id";

class LabelAlternativesTest : public testing::EngineFixture {};

TEST_F(LabelAlternativesTest, EitherLabelMatchesAndANodeWithBothOnce) {
  engine.addQuery({"q", kEither, {}});
  engine.apply(
      batchOf({node(ChangeOp::Insert, "a", {"orders"}), node(ChangeOp::Insert, "b", {"returns"}),
               node(ChangeOp::Insert, "c", {"orders", "returns"}),
               node(ChangeOp::Insert, "d", {"payments"})}));
  EXPECT_EQ(rows("q"),
            (std::vector<std::string>{R"({"id":"a"})", R"({"id":"b"})", R"({"id":"c"})"}));
  engine.apply(batchOf({node(ChangeOp::Delete, "b", {}), node(ChangeOp::Insert, "e", {"returns"}),
                        node(ChangeOp::Update, "d", {"orders"})}));
  EXPECT_EQ(rows("q"), (std::vector<std::string>{R"({"id":"a"})", R"({"id":"c"})", R"({"id":"d"})",
                                                 R"({"id":"e"})"}))
      << "d gained a matching label";
  engine.apply(batchOf({node(ChangeOp::Update, "a", {"payments"})}));
  EXPECT_EQ(rows("q").size(), 3u) << "a lost its label";
}

TEST_F(LabelAlternativesTest, ABootstrappedQueryFindsTheSameRows) {
  engine.apply(batchOf({node(ChangeOp::Insert, "a", {"orders"}, 2),
                        node(ChangeOp::Insert, "c", {"orders", "returns"}, 3),
                        node(ChangeOp::Insert, "b", {"returns"}, 5),
                        node(ChangeOp::Insert, "d", {"payments"}, 7)}));
  engine.addQuery({"q", kEither, {}});
  engine.addQuery(
      {"sum", "MATCH (n:returns|:orders) RETURN count(n) AS n, sum(n.size) AS total", {}});
  EXPECT_EQ(rows("q").size(), 3u);
  EXPECT_EQ(rows("sum"), std::vector<std::string>{R"({"n":3,"total":10.0})"});
}

TEST_F(LabelAlternativesTest, InARelationshipPattern) {
  const std::string text =
      "MATCH (s:shelves)-[:HOLDS]->(i:books|games) RETURN elementId(s) AS shelf, "
      "elementId(i) AS item";
  engine.apply(batchOf(
      {node(ChangeOp::Insert, "s1", {"shelves"}), node(ChangeOp::Insert, "b1", {"books"}),
       node(ChangeOp::Insert, "t1", {"toys"}), edge("h1", "s1", "b1"), edge("h2", "s1", "t1")}));
  engine.addQuery({"boot", text, {}});
  engine.addQuery({"live", text, {}});
  engine.apply(batchOf({node(ChangeOp::Insert, "g1", {"games"}), edge("h3", "s1", "g1")}));
  const std::vector<std::string> expected = {R"({"shelf":"s1","item":"b1"})",
                                             R"({"shelf":"s1","item":"g1"})"};
  EXPECT_EQ(rows("live"), expected);
  EXPECT_EQ(rows("boot"), expected);
}

TEST_F(LabelAlternativesTest, AlternativesOnAJoinedNodeAreRejectedWithTheirPlace) {
  const std::vector<JoinSpec> joins = {{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}};
  try {
    engine.addQuery({"bad",
                     "MATCH (p:payments)-[:FOR_ORDER]->(o:orders|returns) RETURN p.id AS id",
                     {},
                     joins});
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::QueryUnsupported);
    EXPECT_STREQ(e.what(),
                 "label alternatives on a node of join `FOR_ORDER` are not supported; a join "
                 "connects one label to another");
    ASSERT_TRUE(e.span());
    EXPECT_EQ(e.span()->offset, 33u);
  }
}

}  // namespace
}  // namespace livedash::engine
