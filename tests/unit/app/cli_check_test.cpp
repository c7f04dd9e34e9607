// tests/unit/app/cli_check_test.cpp
//
// `livedash check` on the seed's own server.yaml (read from ../shared/seeds at test time) and on
// broken copies of it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/cli.hpp"

namespace livedash::app {
namespace {

constexpr const char* kSeed = LIVEDASH_SOURCE_DIR "/../shared/seeds/000_7329c02a07155a4a.txt";

std::string seedServerYaml() {
  std::ifstream in(kSeed);
  if (!in)
    return {};
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  size_t at = text.find("Create `config/server.yaml`:");
  size_t start = text.find("```yaml\n", at) + 8;
  return text.substr(start, text.find("```", start) - start);
}

std::string writeTemp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

int check(const std::string& path, std::string& stderr_text) {
  std::string p = path;
  char arg0[] = "livedash";
  char arg1[] = "check";
  char arg2[] = "-c";
  char* argv[] = {arg0, arg1, arg2, p.data()};
  ::testing::internal::CaptureStderr();
  int code = runCli(4, argv);
  stderr_text = ::testing::internal::GetCapturedStderr();
  return code;
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

TEST(CliCheck, AcceptsTheSeedServerYaml) {
  std::string yaml = seedServerYaml();
  if (yaml.empty())
    GTEST_SKIP() << "seed 000 not found at " << kSeed << " (a user's clone)";
  std::string err;
  EXPECT_EQ(check(writeTemp("livedash-seed.yaml", yaml), err), 0) << err;
}

TEST(CliCheck, NamesEveryErrorInABrokenCopy) {
  std::string yaml = seedServerYaml();
  if (yaml.empty())
    GTEST_SKIP() << "seed 000 not found at " << kSeed << " (a user's clone)";
  replace(yaml, "slot_name:", "slot_nme:");
  replace(yaml, "drasi.trueFor(o.status = o.status", "drasi.trueFor(o.status = x.status");
  replace(yaml, "heartbeat_interval_ms: 30000", "heartbeat_interval_ms: soon");
  std::string path = writeTemp("livedash-seed-broken.yaml", yaml);
  std::string err;
  EXPECT_EQ(check(path, err), 2);
  EXPECT_NE(err.find(path + ":18:5: sources[0].slot_nme: unknown key `slot_nme`"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("hint: did you mean `slot_name`?"), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":42:38: queries[1].query: unknown variable `x`"), std::string::npos)
      << err;
  EXPECT_NE(err.find("       |                                ^\n"), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":102:28: reactions[0].heartbeat_interval_ms: expected a whole "
                            "number, got a string"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("3 errors in"), std::string::npos) << err;
}

TEST(CliCheck, QuerySyntaxErrorGetsACaret) {
  std::string yaml = std::string(
      "sources:\n  - {kind: embedded, id: db}\nqueries:\n  - id: q\n    query: |\n"
      "      MATCH (o:orders)\n      RETURN o.id AS id,\n"
      "    sources: [{source_id: db, nodes: [orders]}]\n");
  std::string err;
  EXPECT_EQ(check(writeTemp("livedash-syntax.yaml", yaml), err), 2);
  EXPECT_NE(err.find(":7:25: queries[0].query: expected an expression, found the end of the query"),
            std::string::npos)
      << err;
}

TEST(CliCheck, MissingFileIsAUsageError) {
  std::string err;
  EXPECT_EQ(check("/nonexistent/livedash.yaml", err), 2);
  EXPECT_NE(err.find("cannot read the config file"), std::string::npos) << err;
}

}  // namespace
}  // namespace livedash::app
