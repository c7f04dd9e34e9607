// tests/unit/app/replay_golden_test.cpp
//
// Every folder in tests/queries/ is one `livedash replay` case: query.cypher, changes.jsonl, an
// optional joins.yaml, and expected.jsonl (stdout, or "exit N" and stderr for a failing case).
// LIVEDASH_UPDATE_GOLDEN=1 rewrites the expectations; review the diff before committing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/replay.hpp"

namespace livedash::app {
namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReplayGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplayGolden, MatchesExpectedOutput) {
  fs::path dir = fs::path(LIVEDASH_SOURCE_DIR) / "tests/queries" / GetParam();
  ReplayOptions options{(dir / "query.cypher").string(), "", (dir / "changes.jsonl").string()};
  if (fs::exists(dir / "joins.yaml"))
    options.joins_file = (dir / "joins.yaml").string();
  std::ostringstream out;
  std::ostringstream err;
  int code = runReplay(options, out, err);
  std::string actual = code == 0 ? out.str() : "exit " + std::to_string(code) + "\n" + err.str();
  // Paths in messages are made relative so the expectation does not depend on the checkout.
  for (size_t at; (at = actual.find(dir.string() + "/")) != std::string::npos;) {
    actual.erase(at, dir.string().size() + 1);
  }
  fs::path expected_file = dir / "expected.jsonl";
  if (std::getenv("LIVEDASH_UPDATE_GOLDEN")) {
    std::ofstream(expected_file) << actual;
  }
  ASSERT_TRUE(fs::exists(expected_file)) << "run with LIVEDASH_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, readAll(expected_file));
}

std::vector<std::string> cases() {
  std::vector<std::string> names;
  for (const auto& entry :
       fs::directory_iterator(fs::path(LIVEDASH_SOURCE_DIR) / "tests/queries")) {
    if (entry.is_directory())
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Queries, ReplayGolden, ::testing::ValuesIn(cases()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  }
  return name;
});

}  // namespace
}  // namespace livedash::app
