// tests/unit/query/parser_test.cpp
#include "query/parser.hpp"

#include <gtest/gtest.h>

namespace livedash::query {
namespace {

core::Error parseError(std::string_view text) {
  try {
    parseQuery(text);
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a parse error for: " << text;
  return core::Error(core::ErrorCode::Internal, "none");
}

TEST(Parser, AggregatingQueryWithWith) {
  Query q = parseQuery(
      "MATCH (o:orders)\n"
      "WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue\n"
      "RETURN status, orderCount, totalValue");
  ASSERT_EQ(q.clauses.size(), 3u);
  const auto& m = std::get<MatchClause>(q.clauses[0]);
  ASSERT_EQ(m.patterns.size(), 1u);
  EXPECT_EQ(m.patterns[0].nodes[0].variable, "o");
  EXPECT_EQ(m.patterns[0].nodes[0].labels, std::vector<std::string>{"orders"});
  const auto& w = std::get<ProjectionClause>(q.clauses[1]);
  EXPECT_FALSE(w.is_return);
  ASSERT_EQ(w.items.size(), 3u);
  EXPECT_EQ(w.items[1].alias, "orderCount");
  EXPECT_EQ(w.items[1].expr->kind, ExprKind::FunctionCall);
  EXPECT_EQ(w.items[1].expr->name, "count");
  EXPECT_TRUE(std::get<ProjectionClause>(q.clauses[2]).is_return);
}

TEST(Parser, RelationshipDirectionsAndTemporalFunctions) {
  Query q = parseQuery(
      "MATCH (p:payments)-[:FOR_ORDER]->(o:orders)<-[r]-(x), (a)-[:T]-(b)\n"
      "WHERE p.status IN ['pending', 'failed'] AND drasi.trueFor(o.status = o.status, "
      "duration({minutes: 1}))\n"
      "RETURN o.id AS orderId, drasi.changeDateTime(o) AS lastUpdate ORDER BY o.id DESC LIMIT 10");
  const auto& m = std::get<MatchClause>(q.clauses[0]);
  ASSERT_EQ(m.patterns.size(), 2u);
  EXPECT_EQ(m.patterns[0].relationships[0].direction, Direction::Outgoing);
  EXPECT_EQ(m.patterns[0].relationships[0].types[0], "FOR_ORDER");
  EXPECT_EQ(m.patterns[0].relationships[1].direction, Direction::Incoming);
  EXPECT_EQ(m.patterns[1].relationships[0].direction, Direction::Either);
  const Expr& where = *m.where;
  EXPECT_EQ(where.op, Operator::And);
  EXPECT_EQ(where.children[1]->name, "drasi.trueFor");
  const auto& r = std::get<ProjectionClause>(q.clauses[1]);
  EXPECT_EQ(r.order_by.size(), 1u);
  EXPECT_TRUE(r.order_by[0].descending);
  ASSERT_TRUE(r.limit);
  EXPECT_EQ(r.limit->literal, core::Value(10));
}

TEST(Parser, DefaultColumnNames) {
  Query q = parseQuery("MATCH (o:orders) RETURN o.status, o, count(*), o.total * 2");
  const auto& r = std::get<ProjectionClause>(q.clauses[1]);
  EXPECT_EQ(r.items[0].alias, "status");
  EXPECT_EQ(r.items[1].alias, "o");
  EXPECT_EQ(r.items[2].alias, "count(*)");
  EXPECT_EQ(r.items[3].alias, "o.total * 2");
}

TEST(Parser, ExpressionPrecedence) {
  ExprPtr e = parseExpression("1 + 2 * 3 = 7 AND NOT x IS NULL OR y");
  EXPECT_EQ(e->op, Operator::Or);
  EXPECT_EQ(e->children[0]->op, Operator::And);
  const Expr& eq = *e->children[0]->children[0];
  EXPECT_EQ(eq.op, Operator::Eq);
  EXPECT_EQ(eq.children[0]->op, Operator::Add);
  EXPECT_EQ(eq.children[0]->children[1]->op, Operator::Mul);
  const Expr& negation = *e->children[0]->children[1];
  EXPECT_EQ(negation.op, Operator::Not);
  EXPECT_EQ(negation.children[0]->op, Operator::IsNull);
}

TEST(Parser, CaseListsMapsComprehensionsAndIndexing) {
  ExprPtr e = parseExpression(
      "CASE WHEN a.x > 1 THEN [v IN a.list WHERE v > 2 | v * 2][0] ELSE {k: 'v', n: $p}.k END");
  EXPECT_EQ(e->kind, ExprKind::Case);
  EXPECT_FALSE(e->has_subject);
  EXPECT_TRUE(e->has_else);
  EXPECT_EQ(e->children[1]->kind, ExprKind::Index);
  EXPECT_EQ(e->children[1]->children[0]->kind, ExprKind::ListComprehension);
  EXPECT_EQ(e->children[2]->kind, ExprKind::Property);
  EXPECT_EQ(e->children[2]->children[0]->kind, ExprKind::Map);
}

TEST(Parser, CountDistinctAndStrings) {
  ExprPtr e = parseExpression("count(DISTINCT e.user_id) + size('its')");
  EXPECT_TRUE(e->children[0]->distinct);
  ExprPtr s = parseExpression(R"('a\'b' STARTS WITH "a")");
  EXPECT_EQ(s->children[0]->literal, core::Value("a'b"));
  EXPECT_EQ(s->op, Operator::StartsWith);
}

TEST(Parser, ErrorsCarryTheSpanOfTheOffendingToken) {
  core::Error e = parseError("MATCH (o:orders\nRETURN o");
  EXPECT_EQ(e.code(), core::ErrorCode::QuerySyntax);
  EXPECT_STREQ(e.what(), "expected `)` to close the node pattern, found `RETURN`");
  ASSERT_TRUE(e.span());
  EXPECT_EQ(e.span()->offset, 16u);
  EXPECT_EQ(e.span()->length, 6u);
}

TEST(Parser, WritingClausesAreUnsupported) {
  core::Error e = parseError("MATCH (o:orders) CREATE (x) RETURN o");
  EXPECT_EQ(e.code(), core::ErrorCode::QueryUnsupported);
  EXPECT_STREQ(e.what(), "unsupported clause CREATE: continuous queries are read-only");
  EXPECT_EQ(e.span()->offset, 17u);
}

TEST(Parser, LabelAlternatives) {
  Query q = parseQuery("MATCH (n:A|B|:C), (m:D) RETURN n");
  const auto& m = std::get<MatchClause>(q.clauses[0]);
  EXPECT_TRUE(m.patterns[0].nodes[0].labels.empty());
  EXPECT_EQ(m.patterns[0].nodes[0].label_alternatives, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(m.patterns[1].nodes[0].labels, std::vector<std::string>{"D"});
  EXPECT_TRUE(m.patterns[1].nodes[0].label_alternatives.empty());
  for (const char* mixed : {"MATCH (n:A:B|C) RETURN n", "MATCH (n:A|B:C) RETURN n"}) {
    core::Error e = parseError(mixed);
    EXPECT_EQ(e.code(), core::ErrorCode::QueryUnsupported) << mixed;
    EXPECT_EQ(e.span()->offset, 12u) << mixed;
  }
  EXPECT_EQ(parseError("MATCH (n:A|) RETURN n").code(), core::ErrorCode::QuerySyntax);
}

TEST(Parser, QueryMustEndWithReturn) {
  core::Error e = parseError("MATCH (o:orders) WITH o");
  EXPECT_STREQ(e.what(), "a query must end with RETURN");
}

TEST(Parser, NumberLiteralsOutOfRangeAreErrorsNotCrashes) {
  // Found by the fuzzer: std::stod threw out_of_range past the parser.
  EXPECT_STREQ(parseError("MATCH (o:orders) RETURN 5E666 AS x").what(),
               "float literal 5E666 is out of range");
  EXPECT_STREQ(parseError("MATCH (o:orders) RETURN 99999999999999999999 AS x").what(),
               "integer literal 99999999999999999999 is out of range");
}

TEST(Parser, DeepNestingIsAnErrorNotAStackOverflow) {
  // Found by the fuzzer: 1,700 `[` overflowed the stack.
  for (const char* open : {"[", "(", "NOT ", "-"}) {
    std::string text = "MATCH (o:orders) RETURN ";
    for (int i = 0; i < 5000; ++i)
      text += open;
    text += "1 AS x";
    EXPECT_STREQ(parseError(text).what(), "expression nested more than 200 levels deep") << open;
  }
  std::string fine = "MATCH (o:orders) RETURN ";
  for (int i = 0; i < 50; ++i)
    fine += "[";
  fine += "1";
  for (int i = 0; i < 50; ++i)
    fine += "]";
  EXPECT_NO_THROW(parseQuery(fine + " AS x"));
}

TEST(Parser, HugeQueriesAreRejectedBeforeTheirTreeGrowsUnbounded) {
  std::string text = "MATCH (o:orders) RETURN 1";
  for (int i = 0; i < 6000; ++i)
    text += " + o.x";
  text += " AS x";
  EXPECT_STREQ(parseError(text).what(), "query is too long: more than 10000 tokens");
}

TEST(Parser, LexerErrors) {
  EXPECT_EQ(parseError("MATCH (o) WHERE o.x = 'abc RETURN o").code(), core::ErrorCode::QuerySyntax);
  EXPECT_STREQ(parseError("MATCH (o) WHERE o.x = # RETURN o").what(), "unexpected character `#`");
  EXPECT_EQ(parseError("MATCH (a)-[*]->(b) RETURN a").code(), core::ErrorCode::QueryUnsupported);
}

}  // namespace
}  // namespace livedash::query
