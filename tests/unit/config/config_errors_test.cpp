// tests/unit/config/config_errors_test.cpp
//
// Broken configs: each problem is reported with its file, key path, line:column, a message a person
// can act on and, where there is one, a hint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::brief;
using testing::briefs;
using testing::dataPath;
using ::testing::ElementsAre;
using testing::rejectionOf;
using testing::rejectionOfText;

TEST(ConfigErrors, UnknownKeySuggestsTheClosestKey) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/unknown_key.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, dataPath("broken/unknown_key.yaml"));
  EXPECT_EQ(brief(ds[0]),
            "13:5 reactions[0].heartbeat_intervl_ms: unknown key `heartbeat_intervl_ms`");
  EXPECT_EQ(ds[0].hint, "did you mean `heartbeat_interval_ms`?");
  EXPECT_EQ(ds[0].excerpt, "    heartbeat_intervl_ms: 1000");
  EXPECT_EQ(ds[0].caret_column, 5u);
  EXPECT_EQ(ds[0].caret_length, 20u);
}

TEST(ConfigErrors, WrongTypeSaysWhatWasExpectedAndWhatWasFound) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/wrong_type.yaml"));
  EXPECT_THAT(briefs(ds), ElementsAre("9:16 queries[0].sources[0].nodes: expected a list, got a "
                                      "string"));
}

TEST(ConfigErrors, MissingIdPointsAtTheParentMapping) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/missing_id.yaml"));
  EXPECT_THAT(briefs(ds), ElementsAre("5:5 queries[0]: missing required key `id`"));
}

TEST(ConfigErrors, BadEnumValueListsTheChoicesAndSuggestsOne) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/bad_enum.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]),
            "2:11 sources[0].kind: invalid kind `postgress`; expected one of: postgres, embedded");
  EXPECT_EQ(ds[0].hint, "did you mean `postgres`?");
}

TEST(ConfigErrors, YamlSyntaxErrorUsesTheParserPosition) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/syntax_error.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]), "4:4 : YAML syntax error: end of sequence not found");
  EXPECT_EQ(ds[0].hint, "check the indentation of this line and the ones above it");
  EXPECT_EQ(ds[0].excerpt, "   tables: [orders]");
}

TEST(ConfigErrors, UnknownSourceReference) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/unknown_source.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]), "8:20 queries[0].sources[0].source_id: unknown source `shops`");
  EXPECT_EQ(ds[0].hint, "did you mean `shop`?");
}

TEST(ConfigErrors, DuplicateQueryIdNamesTheFirstDefinition) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/duplicate_query_id.yaml"));
  EXPECT_THAT(briefs(ds), ElementsAre("9:9 queries[1].id: duplicate query id `orders`; it is "
                                      "already used on line 5"));
}

TEST(ConfigErrors, GqlIsRejectedBecauseOnlyCypherIsSupported) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/gql.yaml"));
  EXPECT_THAT(briefs(ds), ElementsAre("6:20 queries[0].queryLanguage: only Cypher is supported; "
                                      "GQL queries cannot be run"));
}

TEST(ConfigErrors, EveryProblemInAFileIsReportedInFileOrder) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/many_errors.yaml"));
  EXPECT_THAT(
      briefs(ds),
      ElementsAre("1:7 port: port 70000 is out of range (0 to 65535)",
                  "5:5 sources[0].slot_name: unknown key `slot_name`",
                  "11:9 queries[1].id: duplicate query id `q`; it is already used on line 7",
                  "13:14 queries[1].sources: a query needs at least one source",
                  "17:18 reactions[0].queries[1]: unknown query `qq`",
                  "21:15 dashboards[0].widgets[0].type: invalid type `stats`; expected one of: "
                  "stat, status-grid, table, list, alerts, line, bar, event-log",
                  "22:16 dashboards[0].widgets[0].query: unknown query `missing`",
                  "23:9 dashboards[0].widgets[1]: missing required key `query`"));
  EXPECT_EQ(ds[1].hint, "`slot_name` is a key of postgres sources");
  EXPECT_EQ(ds[4].hint, "did you mean `q`?");
  EXPECT_EQ(ds[5].hint, "did you mean `stat`?");
  EXPECT_EQ(ds[6].hint, "defined queries: q");
}

TEST(ConfigErrors, EmptyAndMalformedIds) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("broken/empty_values_and_bad_ids.yaml"));
  EXPECT_THAT(briefs(ds),
              ElementsAre("3:5 sources[0].id: `id` needs a value",
                          "5:9 queries[0].id: id `has space` may only contain letters, digits, "
                          "`-`, `_` and `.`",
                          "6:5 queries[0].query: `query` needs a value",
                          "8:20 queries[0].sources[0].source_id: unknown source `shop`"));
  EXPECT_EQ(ds[3].hint, "the file defines no sources");
}

TEST(ConfigErrors, FormattedReportHasFileLineExcerptCaretAndHint) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "sources:\n"
      "  - kind: embedded\n"
      "    id: shop\n"
      "    sceme_files: [a.sql]\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(core::formatDiagnostic(ds[0]),
            "inline.yaml:4:5: sources[0].sceme_files: unknown key `sceme_files`\n"
            "     4 |     sceme_files: [a.sql]\n"
            "       |     ^^^^^^^^^^^\n"
            "  hint: did you mean `schema_files`?\n");
}

TEST(ConfigErrors, WhatContainsEveryDiagnostic) {
  try {
    loadConfigFile(dataPath("broken/many_errors.yaml"));
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::ConfigInvalid);
    EXPECT_EQ(std::string(e.what()) + "\n", core::formatDiagnostics(e.diagnostics()));
  }
}

TEST(ConfigErrors, TypeProblemsForScalars) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "port: eighty\n"
      "log_level: [info]\n"
      "sources:\n"
      "  - kind: embedded\n"
      "    id: s\n"
      "    auto_start: maybe\n"
      "reactions:\n"
      "  - kind: http\n"
      "    id: h\n"
      "    queries: []\n"
      "    timeout_ms: -1\n"
      "    routes: [a]\n");
  EXPECT_THAT(briefs(ds),
              ElementsAre("1:7 port: expected a port number, got a string",
                          "2:12 log_level: expected one of trace, debug, info, warn, warning, "
                          "error, critical, off, got a list",
                          "6:17 sources[0].auto_start: expected true or false, got a string",
                          "11:17 reactions[0].timeout_ms: timeout_ms -1 is out of range (0 to "
                          "4294967295)",
                          "12:13 reactions[0].routes: expected a mapping, got a list"));
}

TEST(ConfigErrors, KeySetTwiceEvenInTwoSpellings) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "sources:\n"
      "  - kind: postgres\n"
      "    id: pg\n"
      "    database: d\n"
      "    user: u\n"
      "    slot_name: a\n"
      "    slotName: b\n");
  EXPECT_THAT(briefs(ds),
              ElementsAre("7:5 sources[0].slotName: `slotName` is already set on line 6"));
}

TEST(ConfigErrors, MissingKeysAreNamedInTheMappingsOwnStyle) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "sources:\n"
      "  - kind: postgres\n"
      "    id: pg\n"
      "    autoStart: false\n"
      "    tableKeys:\n"
      "      - table: t\n");
  EXPECT_THAT(briefs(ds),
              ElementsAre("2:5 sources[0]: missing required key `database`",
                          "2:5 sources[0]: missing required key `user`",
                          "6:9 sources[0].tableKeys[0]: missing required key `key_columns`"));
}

TEST(ConfigErrors, DrasiKeysWeCannotHonourAreErrors) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "instances: []\n"
      "sources:\n"
      "  - kind: embedded\n"
      "    id: s\n"
      "queries:\n"
      "  - id: q\n"
      "    query: MATCH (n) RETURN n\n"
      "    sources: [{sourceId: s}]\n"
      "    middleware: []\n");
  EXPECT_THAT(briefs(ds), ElementsAre("1:1 instances: `instances` is not supported by livedash",
                                      "9:5 queries[0].middleware: `middleware` is not supported "
                                      "by livedash"));
}

TEST(ConfigErrors, KeysOfAnotherReactionKindSayWhoseTheyAre) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "reactions:\n"
      "  - kind: log\n"
      "    id: l\n"
      "    queries: []\n"
      "    sse_path: /events\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]), "5:5 reactions[0].sse_path: unknown key `sse_path`");
  EXPECT_EQ(ds[0].hint, "`sse_path` is a key of sse reactions");
}

TEST(ConfigErrors, AnUnknownKindIsTheOnlyProblemReportedForItsEntry) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "reactions:\n"
      "  - kind: signalr\n"
      "    id: hub\n"
      "    queries: []\n"
      "    hub_name: x\n");
  EXPECT_THAT(briefs(ds), ElementsAre("2:11 reactions[0].kind: invalid kind `signalr`; expected "
                                      "one of: sse, log, http, webhook"));
}

TEST(ConfigErrors, UnsetEnvironmentVariable) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText("host: ${LIVEDASH_TEST_SURELY_UNSET_VARIABLE}\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]),
            "1:7 host: environment variable `LIVEDASH_TEST_SURELY_UNSET_VARIABLE` is not set");
}

TEST(ConfigErrors, UnreadableFile) {
  std::vector<core::Diagnostic> ds = rejectionOf(dataPath("no_such_file.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, dataPath("no_such_file.yaml"));
  EXPECT_EQ(ds[0].message, "cannot read the config file: No such file or directory");
}

TEST(ConfigErrors, EmptyConfig) {
  std::vector<core::Diagnostic> ds = rejectionOfText("# nothing here\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].message, "the config is empty");
}

TEST(ConfigErrors, SsePathAndJoinShape) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "sources: [{kind: embedded, id: s}]\n"
      "queries:\n"
      "  - id: q\n"
      "    query: MATCH (a)-[:J]->(b) RETURN a\n"
      "    sources: [{source_id: s}]\n"
      "    joins:\n"
      "      - id: J\n"
      "        keys: [{label: a, property: id}]\n"
      "reactions:\n"
      "  - {kind: sse, id: r, queries: [q], sse_path: events, port: 99999}\n");
  EXPECT_THAT(briefs(ds),
              ElementsAre("8:15 queries[0].joins[0].keys: a join needs at least two keys",
                          "10:48 reactions[0].sse_path: sse_path `events` must start with `/`",
                          "10:62 reactions[0].port: port 99999 is out of range (0 to 65535)"));
}

TEST(ConfigErrors, SseRoutePathsAreFixedPlainPaths) {
  std::vector<core::Diagnostic> ds = rejectionOfText(
      "sources: [{kind: embedded, id: s}]\n"
      "queries: [{id: q, query: 'MATCH (a:t) RETURN a.id AS id', sources: [{source_id: s}]}]\n"
      "reactions:\n"
      "  - kind: sse\n"
      "    id: r\n"
      "    queries: [q]\n"
      "    routes:\n"
      "      q:\n"
      "        added: {template: '{{after.id}}', path: 'things/{{after.id}}'}\n"
      "        deleted: {path: 'gone?x=1'}\n");
  EXPECT_THAT(briefs(ds),
              ElementsAre("9:49 reactions[0].routes.q.added.path: templated route paths are not "
                          "supported: `things/{{after.id}}`",
                          "10:25 reactions[0].routes.q.deleted.path: route path `gone?x=1` must be "
                          "a plain path"));
}

}  // namespace
}  // namespace livedash::config
