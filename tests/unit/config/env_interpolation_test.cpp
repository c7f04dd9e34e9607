// tests/unit/config/env_interpolation_test.cpp
#include "config/env_interpolation.hpp"

#include <map>

#include <gtest/gtest.h>

namespace livedash::config {
namespace {

EnvLookup fakeEnvironment(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(EnvInterpolation, ReplacesSetVariables) {
  Interpolation result = interpolateEnv("postgres://${DB_HOST}:${DB_PORT}/x",
                                        fakeEnvironment({{"DB_HOST", "db"}, {"DB_PORT", "5433"}}));
  EXPECT_EQ(result.text, "postgres://db:5433/x");
  EXPECT_TRUE(result.problems.empty());
}

TEST(EnvInterpolation, DefaultIsUsedWhenUnsetOrEmpty) {
  EnvLookup env = fakeEnvironment({{"EMPTY", ""}, {"SET", "yes"}});
  EXPECT_EQ(interpolateEnv("${MISSING:-fallback}", env).text, "fallback");
  EXPECT_EQ(interpolateEnv("${EMPTY:-fallback}", env).text, "fallback");
  EXPECT_EQ(interpolateEnv("${SET:-fallback}", env).text, "yes");
  EXPECT_EQ(interpolateEnv("${MISSING:-}", env).text, "");
}

TEST(EnvInterpolation, UnsetVariableWithoutDefaultIsAProblem) {
  Interpolation result = interpolateEnv("a ${NOPE} b", fakeEnvironment({}));
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].message, "environment variable `NOPE` is not set");
  EXPECT_EQ(result.problems[0].hint, "set it, or give a default with `${NOPE:-default}`");
}

TEST(EnvInterpolation, MalformedReferencesAreProblems) {
  EnvLookup env = fakeEnvironment({});
  Interpolation bad_name = interpolateEnv("${1X}", env);
  ASSERT_EQ(bad_name.problems.size(), 1u);
  EXPECT_EQ(bad_name.problems[0].message, "`${1X}` is not a valid variable reference");
  Interpolation open = interpolateEnv("abc ${X", env);
  ASSERT_EQ(open.problems.size(), 1u);
  EXPECT_EQ(open.problems[0].message, "unterminated `${`");
}

TEST(EnvInterpolation, DollarWithoutBraceIsLeftAlone) {
  EXPECT_EQ(interpolateEnv("cost $5 and $name", fakeEnvironment({})).text, "cost $5 and $name");
}

}  // namespace
}  // namespace livedash::config
