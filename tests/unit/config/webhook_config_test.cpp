// tests/unit/config/webhook_config_test.cpp
//
// The webhook (`http`) reaction's keys: snake_case and camelCase, defaults, and errors with the
// file, key path and line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::briefs;
using ::testing::ElementsAre;
using testing::rejectionOfText;

constexpr std::string_view kQueries =
    "sources:\n"
    "  - {kind: embedded, id: shop}\n"
    "queries:\n"
    "  - id: orders\n"
    "    query: MATCH (o:orders) RETURN o.id AS id\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n";

std::string withReactions(std::string_view rest) {
  return std::string(kQueries) + "reactions:\n" + std::string(rest);
}

TEST(WebhookConfig, LoadsSnakeCaseWithDefaults) {
  ::setenv("LIVEDASH_TEST_HOOK_TOKEN", "hook-secret", 1);
  ServerConfig c = loadConfigString(withReactions("  - kind: webhook\n"
                                                  "    id: hook\n"
                                                  "    queries: [orders]\n"
                                                  "    base_url: http://127.0.0.1:9/hooks\n"
                                                  "    headers:\n"
                                                  "      X-Api-Key: ${LIVEDASH_TEST_HOOK_TOKEN}\n"
                                                  "    routes:\n"
                                                  "      orders:\n"
                                                  "        added:\n"
                                                  "          url: /added\n"
                                                  "          body: '{\"id\": {{after.id}}}'\n"),
                                    "inline.yaml");
  ASSERT_EQ(c.reactions.size(), 1u);
  const HttpReactionConfig* http = c.reactions[0].http();
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->base_url, "http://127.0.0.1:9/hooks");
  EXPECT_EQ(http->headers.at("X-Api-Key"), "hook-secret");
  EXPECT_EQ(http->max_attempts, 5u);
  EXPECT_EQ(http->retry_initial_ms, 200u);
  EXPECT_EQ(http->queue_capacity, 1000u);
  ASSERT_TRUE(http->routes.at("orders").added);
  EXPECT_EQ(http->routes.at("orders").added->url, "/added");
  EXPECT_FALSE(http->routes.at("orders").deleted);
}

TEST(WebhookConfig, AcceptsCamelCase) {
  ServerConfig c = loadConfigString(withReactions("  - kind: http\n"
                                                  "    id: hook\n"
                                                  "    queries: [orders]\n"
                                                  "    baseUrl: http://hooks.test\n"
                                                  "    timeoutMs: 250\n"
                                                  "    maxAttempts: 2\n"
                                                  "    retryInitialMs: 5\n"
                                                  "    retryMaxMs: 50\n"
                                                  "    queueCapacity: 3\n"),
                                    "inline.yaml");
  const HttpReactionConfig* http = c.reactions[0].http();
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->timeout_ms, 250u);
  EXPECT_EQ(http->max_attempts, 2u);
  EXPECT_EQ(http->retry_initial_ms, 5u);
  EXPECT_EQ(http->retry_max_ms, 50u);
  EXPECT_EQ(http->queue_capacity, 3u);
}

TEST(WebhookConfig, UnknownKeyAndWrongTypeNameThePlace) {
  auto ds =
      rejectionOfText(withReactions("  - kind: webhook\n"
                                    "    id: hook\n"
                                    "    queries: [orders]\n"
                                    "    base_url: http://hooks.test\n"
                                    "    max_atempts: 3\n"
                                    "    headers: [Authorization]\n"));
  EXPECT_THAT(briefs(ds),
              ElementsAre("12:5 reactions[0].max_atempts: unknown key `max_atempts`",
                          "13:14 reactions[0].headers: expected a mapping, got a list"));
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds[0].file, "inline.yaml");
  EXPECT_EQ(ds[0].hint, "did you mean `max_attempts`?");
}

TEST(WebhookConfig, BadUrlAndZeroAttemptsAreRejected) {
  auto ds =
      rejectionOfText(withReactions("  - kind: webhook\n"
                                    "    id: hook\n"
                                    "    queries: [orders]\n"
                                    "    base_url: hooks.test/in\n"
                                    "    max_attempts: 0\n"));
  EXPECT_THAT(
      briefs(ds),
      ElementsAre("11:15 reactions[0].base_url: `hooks.test/in` is not an http:// or https:// URL",
                  "12:19 reactions[0].max_attempts: must be at least 1"));
}

TEST(WebhookConfig, HttpsLoadsAndACaFileMustExist) {
  ServerConfig c = loadConfigString(withReactions("  - kind: webhook\n"
                                                  "    id: hook\n"
                                                  "    queries: [orders]\n"
                                                  "    base_url: https://hooks.test\n"),
                                    "inline.yaml");
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.reactions[0].http()->base_url, "https://hooks.test");
  std::vector<core::Diagnostic> ds =
      rejectionOfText(withReactions("  - kind: webhook\n"
                                    "    id: hook\n"
                                    "    queries: [orders]\n"
                                    "    base_url: https://hooks.test\n"
                                    "    ca_file: no-such-ca.pem\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_NE(ds[0].message.find("no-such-ca.pem` does not exist"), std::string::npos)
      << ds[0].message;
  EXPECT_EQ(ds[0].key_path, "reactions[0].ca_file");
}

}  // namespace
}  // namespace livedash::config
