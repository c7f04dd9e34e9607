// tests/unit/core/diagnostic_test.cpp
#include "core/diagnostic.hpp"

#include <gtest/gtest.h>

namespace livedash::core {
namespace {

TEST(Diagnostic, DrawsCaretUnderSpanOnItsLine) {
  std::string text = "MATCH (o:orders)\nWHERE x.status = 'a'\nRETURN o";
  Diagnostic d = diagnosticAt(text, SourceSpan{23, 1}, "unknown variable `x`", "did you mean `o`?");
  d.file = "server.yaml";
  d.key_path = "queries[0].query";
  EXPECT_EQ(d.position.line, 2u);
  EXPECT_EQ(d.position.column, 7u);
  EXPECT_EQ(formatDiagnostic(d),
            "server.yaml:2:7: queries[0].query: unknown variable `x`\n"
            "     2 | WHERE x.status = 'a'\n"
            "       |       ^\n"
            "  hint: did you mean `o`?\n");
}

TEST(Diagnostic, CaretAtStartOfText) {
  Diagnostic d = diagnosticAt("CREATE (n)", SourceSpan{0, 6}, "unsupported");
  EXPECT_EQ(d.caret_column, 1u);
  EXPECT_EQ(d.caret_length, 6u);
  EXPECT_EQ(d.excerpt, "CREATE (n)");
}

TEST(Diagnostic, ClosestMatchWithinTwoEdits) {
  EXPECT_EQ(closestMatch("stauts", {"status", "total", "id"}), "status");
  EXPECT_EQ(closestMatch("zzzzzz", {"status", "total"}), "");
}

}  // namespace
}  // namespace livedash::core
