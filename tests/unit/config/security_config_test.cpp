// tests/unit/config/security_config_test.cpp
//
// `auth:`, `cors_origins:`, `limits:` and `log_format:`: both spellings load, tokens come from
// the environment, and every mistake is reported with file, key path and line:column, never
// with a token's value.
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::brief;
using testing::briefs;
using ::testing::ElementsAre;
using testing::rejectionOfText;

constexpr std::string_view kQueries =
    "sources:\n"
    "  - {kind: embedded, id: shop}\n"
    "queries:\n"
    "  - id: stats\n"
    "    query: MATCH (o:orders) RETURN o.id AS id\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n";

std::string withQueries(std::string_view rest) {
  return std::string(kQueries) + std::string(rest);
}

TEST(SecurityConfig, DefaultsWhenAbsent) {
  ServerConfig c = loadConfigString(kQueries, "inline.yaml");
  EXPECT_TRUE(c.auth.tokens.empty());
  EXPECT_FALSE(c.auth.public_metrics);
  EXPECT_EQ(c.cors_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(c.limits.max_body_bytes, 4u * 1024 * 1024);
  EXPECT_EQ(c.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 60u);
  EXPECT_EQ(c.limits.max_connections_per_ip, 1024u);
  EXPECT_EQ(c.log_format, LogFormat::Text);
}

TEST(SecurityConfig, LoadsSnakeCaseAndTokensFromTheEnvironment) {
  ::setenv("LIVEDASH_TEST_ADMIN_TOKEN", "from-the-environment-0123", 1);
  ServerConfig c = loadConfigString(withQueries("auth:\n"
                                                "  public_metrics: true\n"
                                                "  tokens:\n"
                                                "    - name: admin\n"
                                                "      token: ${LIVEDASH_TEST_ADMIN_TOKEN}\n"
                                                "      role: admin\n"
                                                "    - token: viewer-secret-0123\n"
                                                "      queries: [stats]\n"
                                                "cors_origins: [https://dash.test]\n"
                                                "limits:\n"
                                                "  max_body_bytes: 1000\n"
                                                "  max_header_bytes: 2048\n"
                                                "  idle_timeout_seconds: 5\n"
                                                "  max_connections_per_ip: 0\n"
                                                "log_format: json\n"),
                                    "inline.yaml");
  ::unsetenv("LIVEDASH_TEST_ADMIN_TOKEN");
  ASSERT_EQ(c.auth.tokens.size(), 2u);
  EXPECT_EQ(c.auth.tokens[0].name, "admin");
  EXPECT_EQ(c.auth.tokens[0].token, "from-the-environment-0123");
  EXPECT_EQ(c.auth.tokens[0].role, TokenRole::Admin);
  EXPECT_TRUE(c.auth.tokens[0].queries.empty());
  EXPECT_EQ(c.auth.tokens[1].name, "auth.tokens[1]") << "unnamed tokens are named by position";
  EXPECT_EQ(c.auth.tokens[1].role, TokenRole::Read);
  EXPECT_EQ(c.auth.tokens[1].queries, std::vector<std::string>{"stats"});
  EXPECT_TRUE(c.auth.public_metrics);
  EXPECT_EQ(c.cors_origins, std::vector<std::string>{"https://dash.test"});
  EXPECT_EQ(c.limits.max_body_bytes, 1000u);
  EXPECT_EQ(c.limits.max_header_bytes, 2048u);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 5u);
  EXPECT_EQ(c.limits.max_connections_per_ip, 0u);
  EXPECT_EQ(c.log_format, LogFormat::Json);
}

TEST(SecurityConfig, LoadsCamelCaseAndAWildcardOrigin) {
  ServerConfig c = loadConfigString(withQueries("auth:\n"
                                                "  publicMetrics: false\n"
                                                "  tokens: [{token: t-0123456789abcdef}]\n"
                                                "corsOrigins: '*'\n"
                                                "limits: {maxBodyBytes: 10, idleTimeoutSeconds: 2,"
                                                " maxConnectionsPerIp: 3}\n"
                                                "logFormat: text\n"),
                                    "inline.yaml");
  EXPECT_EQ(c.cors_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(c.limits.max_body_bytes, 10u);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 2u);
  EXPECT_EQ(c.limits.max_connections_per_ip, 3u);
  EXPECT_EQ(c.auth.tokens.size(), 1u);
}

TEST(SecurityConfig, AuthMistakesAreLocated) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withQueries("auth:\n"                     // 7
                                  "  tokens:\n"                 // 8
                                  "    - token: abc-0123456\n"  // 9
                                  "      role: owner\n"         // 10
                                  "      querys: [stats]\n"     // 11
                                  "    - token: ''\n"           // 12
                                  "    - token: abc-0123456\n"  // 13
                                  "      queries: [stat]\n"     // 14
                                  "    - name: no-value\n"      // 15
                                  "  public_metrics: 1\n"));    // 16
  EXPECT_THAT(briefs(ds),
              ElementsAre("10:13 auth.tokens[0].role: invalid role `owner`; expected one of: "
                          "read, admin",
                          "11:7 auth.tokens[0].querys: unknown key `querys`",
                          "12:14 auth.tokens[1].token: the token is empty",
                          "13:14 auth.tokens[2].token: token `auth.tokens[2]` has the same value "
                          "as `auth.tokens[0]`",
                          "14:17 auth.tokens[2].queries[0]: unknown query `stat`",
                          "15:7 auth.tokens[3]: missing required key `token`",
                          "16:19 auth.public_metrics: expected true or false, got an integer"));
  EXPECT_EQ(ds[1].hint, "did you mean `queries`?");
  EXPECT_EQ(ds[4].hint, "did you mean `stats`?");
  for (const core::Diagnostic& d : ds) {
    EXPECT_EQ(d.file, "inline.yaml");
    EXPECT_EQ(d.message.find("abc-0123456"), std::string::npos) << "never quote a token value";
  }
}

TEST(SecurityConfig, UnsetTokenVariableIsAnError) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withQueries("auth:\n"
                                  "  tokens: [{token: '${LIVEDASH_TEST_UNSET_TOKEN}'}]\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]),
            "8:20 auth.tokens[0].token: environment variable `LIVEDASH_TEST_UNSET_TOKEN` is not "
            "set");
}

TEST(SecurityConfig, CorsAndLimitMistakesAreLocated) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withQueries("auth: [x]\n"                   // 7
                                  "cors_origins:\n"               // 8
                                  "  - https://ok.test\n"         // 9
                                  "  - https://bad.test/path\n"   // 10
                                  "limits:\n"                     // 11
                                  "  max_body_bytes: lots\n"      // 12
                                  "  max_header_bytes: 100\n"     // 13
                                  "  idle_timeout_seconds: 0\n"   // 14
                                  "  max_conections_per_ip: 3\n"  // 15
                                  "log_format: xml\n"));          // 16
  EXPECT_THAT(
      briefs(ds),
      ElementsAre("7:7 auth: expected a mapping, got a list",
                  "10:5 cors_origins[1]: `https://bad.test/path` is not an origin",
                  "12:19 limits.max_body_bytes: expected a whole number, got a string",
                  "13:21 limits.max_header_bytes: max_header_bytes must be at least 1024",
                  "14:25 limits.idle_timeout_seconds: idle_timeout_seconds must be at least 1",
                  "15:3 limits.max_conections_per_ip: unknown key `max_conections_per_ip`",
                  "16:13 log_format: invalid log_format `xml`; expected one of: text, json"));
  EXPECT_EQ(ds[1].hint, "write `*` or scheme://host[:port], such as https://dash.example.com");
  EXPECT_EQ(ds[5].hint, "did you mean `max_connections_per_ip`?");
}

TEST(SecurityConfig, SseReactionOriginsAreCheckedToo) {
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withQueries("reactions:\n"
                                  "  - kind: sse\n"
                                  "    id: s\n"
                                  "    queries: [stats]\n"
                                  "    cors_origins: dash.test\n"));
  EXPECT_THAT(briefs(ds),
              ElementsAre("11:19 reactions[0].cors_origins: `dash.test` is not an origin"));
}

}  // namespace
}  // namespace livedash::config
