// tests/unit/engine/unsupported_functions_test.cpp
//
// Functions Drasi registers that livedash cannot honour are rejected by name, with the reason,
// the place and a caret, never taken for unknown names or silently ignored.
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

class UnsupportedFunctionsTest : public testing::EngineFixture {};

TEST_F(UnsupportedFunctionsTest, RetainHistoryIsRejectedWithItsReasonAndPlace) {
  const std::string text = "MATCH (o:orders)\nRETURN retainHistory() AS h, o.id AS id";
  core::Error e = testing::addQueryError(engine, text);
  EXPECT_EQ(e.code(), core::ErrorCode::QueryUnsupported);
  EXPECT_EQ(std::string(e.what()).rfind("`retainHistory` is not supported: Drasi's context", 0), 0u)
      << e.what();
  ASSERT_TRUE(e.span());
  core::Diagnostic d = core::diagnosticAt(text, *e.span(), e.what());
  EXPECT_EQ(d.position.line, 2u);
  EXPECT_EQ(d.position.column, 8u);
  EXPECT_NE(core::formatDiagnostic(d).find("2 | RETURN retainHistory() AS h"), std::string::npos)
      << core::formatDiagnostic(d);
  EXPECT_NE(core::formatDiagnostic(d).find("|        ^"), std::string::npos)
      << core::formatDiagnostic(d);
}

TEST_F(UnsupportedFunctionsTest, PastFunctionsNeedAnArchiveLivedashDoesNotKeep) {
  for (const char* call : {"drasi.getVersionByTimestamp(o, datetime())",
                           "drasi.getVersionsByTimeRange(o, datetime(), datetime())"}) {
    core::Error e =
        testing::addQueryError(engine, std::string("MATCH (o:orders) RETURN ") + call + " AS v");
    EXPECT_EQ(e.code(), core::ErrorCode::QueryUnsupported) << call;
    EXPECT_NE(std::string(e.what()).find("keeps no history"), std::string::npos) << e.what();
    EXPECT_EQ(e.span()->offset, 24u) << call;
  }
}

TEST_F(UnsupportedFunctionsTest, AnUnknownNameIsStillUnknown) {
  core::Error e = testing::addQueryError(engine, "MATCH (o:orders) RETURN retainHistry() AS h");
  EXPECT_EQ(e.code(), core::ErrorCode::QuerySemantic);
  EXPECT_STREQ(e.what(), "unknown function `retainHistry`");
}

}  // namespace
}  // namespace livedash::engine
