// tests/unit/config/query_text_location_test.cpp
//
// QueryConfig::fileLocationOf maps a byte offset in the query text to the file position it was
// written at, whatever the YAML scalar style.
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::dataPath;

std::string where(const QueryConfig& query, std::string_view needle) {
  size_t offset = query.query.find(needle);
  EXPECT_NE(offset, std::string::npos) << needle;
  core::LineColumn lc = query.fileLocationOf(static_cast<uint32_t>(offset));
  return fmt::format("{}:{}", lc.line, lc.column);
}

//! A config with one embedded source and the given query entry (which must use source `s`).
QueryConfig loadQuery(std::string_view query_entry) {
  std::string yaml = fmt::format("sources: [{{kind: embedded, id: s}}]\nqueries:\n{}", query_entry);
  return loadConfigString(yaml, "query.yaml").queries.at(0);
}

TEST(QueryTextLocation, BlockLiteralInAFile) {
  ServerConfig c = loadConfigFile(dataPath("complete.yaml"));
  const QueryConfig& revenue = c.queries.at(0);
  EXPECT_EQ(revenue.text_location.file, dataPath("complete.yaml"));
  EXPECT_EQ(revenue.text_location.key_path, "queries[0].query");
  EXPECT_EQ(revenue.text_location.position.line, 38u);
  EXPECT_EQ(revenue.text_location.position.column, 7u);
  EXPECT_EQ(where(revenue, "MATCH"), "38:7");
  EXPECT_EQ(where(revenue, "o:orders"), "38:14");
  EXPECT_EQ(where(revenue, "RETURN"), "39:7");
  EXPECT_EQ(where(revenue, "sum("), "39:32");
}

TEST(QueryTextLocation, FoldedBlockJoinsLinesButKeepsTheirPositions) {
  ServerConfig c = loadConfigFile(dataPath("complete.yaml"));
  const QueryConfig& late = c.queries.at(1);
  EXPECT_EQ(late.query.find('\n'), std::string::npos) << "`>-` folds lines into one";
  EXPECT_EQ(where(late, "MATCH"), "47:7");
  EXPECT_EQ(where(late, "$min_amount"), "48:24");
  EXPECT_EQ(where(late, "s.carrier"), "49:31");
}

TEST(QueryTextLocation, DoubleQuotedSingleLine) {
  ServerConfig c = loadConfigFile(dataPath("complete.yaml"));
  const QueryConfig& low = c.queries.at(2);
  EXPECT_EQ(where(low, "MATCH"), "68:13");
  EXPECT_EQ(where(low, "s.count"), "68:35");
}

TEST(QueryTextLocation, LiteralWithBlankAndMoreIndentedLinesAndStripChomping) {
  QueryConfig q = loadQuery(
      "  - id: q\n"                  // line 3
      "    query: |-\n"              // line 4
      "      MATCH (o:orders)\n"     // line 5
      "\n"                           // line 6
      "        WHERE o.total > 1\n"  // line 7
      "      RETURN o\n"             // line 8
      "    sources: [{source_id: s}]\n");
  EXPECT_EQ(q.query, "MATCH (o:orders)\n\n  WHERE o.total > 1\nRETURN o");
  EXPECT_EQ(where(q, "MATCH"), "5:7");
  EXPECT_EQ(where(q, "WHERE"), "7:9");
  EXPECT_EQ(where(q, "o.total"), "7:15");
  EXPECT_EQ(where(q, "RETURN"), "8:7");
  EXPECT_EQ(q.fileLocationOf(static_cast<uint32_t>(q.query.size())).line, 8u);
}

TEST(QueryTextLocation, LineBreakMapsToTheEndOfItsLine) {
  QueryConfig q = loadQuery(
      "  - id: q\n"
      "    query: |\n"
      "      MATCH (o)\n"
      "      RETURN o\n"
      "    sources: [{source_id: s}]\n");
  uint32_t newline = static_cast<uint32_t>(q.query.find('\n'));
  core::LineColumn lc = q.fileLocationOf(newline);
  EXPECT_EQ(lc.line, 5u);
  EXPECT_EQ(lc.column, 16u) << "just past `MATCH (o)`";
}

TEST(QueryTextLocation, PlainScalarOnTheKeyLineAndContinuedBelow) {
  QueryConfig q = loadQuery(
      "  - id: q\n"
      "    query: MATCH (o:orders)\n"
      "      RETURN o.id\n"
      "    sources: [{source_id: s}]\n");
  EXPECT_EQ(q.query, "MATCH (o:orders) RETURN o.id");
  EXPECT_EQ(where(q, "MATCH"), "4:12");
  EXPECT_EQ(where(q, "o.id"), "5:14");
}

TEST(QueryTextLocation, SingleQuotedWithEscapeFallsBackToTheFirstLine) {
  QueryConfig q = loadQuery(
      "  - id: q\n"
      "    query: 'MATCH (o) WHERE o.name = ''x'' RETURN o'\n"
      "    sources: [{source_id: s}]\n");
  EXPECT_EQ(q.query, "MATCH (o) WHERE o.name = 'x' RETURN o");
  EXPECT_EQ(where(q, "MATCH"), "4:13");
  EXPECT_EQ(where(q, "WHERE"), "4:23");
}

TEST(QueryTextLocation, QueryNotFromAFileIsLocatedInItsOwnText) {
  QueryConfig q;
  q.query = "MATCH (o)\nRETURN x";
  core::LineColumn lc = q.fileLocationOf(17);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 8u);
}

TEST(QueryTextLocation, DiagnosticForAQueryErrorPointsIntoTheFile) {
  ServerConfig c = loadConfigFile(dataPath("complete.yaml"));
  const QueryConfig& revenue = c.queries.at(0);
  uint32_t offset = static_cast<uint32_t>(revenue.query.find("sum"));
  core::Diagnostic d = queryTextDiagnostic(revenue, core::SourceSpan{offset, 3},
                                           "unknown function `sum`", "did you mean `sum`?");
  d.file = "complete.yaml";
  EXPECT_EQ(core::formatDiagnostic(d),
            "complete.yaml:39:32: queries[0].query: unknown function `sum`\n"
            "    39 | RETURN o.state AS state, sum(o.amount) AS revenue\n"
            "       |                          ^^^\n"
            "  hint: did you mean `sum`?\n");
}

}  // namespace
}  // namespace livedash::config
