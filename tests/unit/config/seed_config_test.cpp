// tests/unit/config/seed_config_test.cpp
//
// The flagship seed's server.yaml must load unchanged. It is read from the shared seeds at test
// time rather than copied into the repo.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.hpp"

namespace livedash::config {
namespace {

using ::testing::ElementsAre;

constexpr const char* kSeedPath = LIVEDASH_SOURCE_DIR "/../shared/seeds/000_7329c02a07155a4a.txt";

//! The first ```yaml block after "Create `config/server.yaml`:", or empty.
std::string extractServerYaml(std::istream& seed) {
  std::string line;
  bool after_heading = false;
  bool in_block = false;
  std::string yaml;
  while (std::getline(seed, line)) {
    if (!after_heading) {
      after_heading = line.starts_with("Create `config/server.yaml`:");
    } else if (!in_block) {
      in_block = line.starts_with("```yaml");
    } else if (line.starts_with("```")) {
      return yaml;
    } else {
      yaml += line + "\n";
    }
  }
  return {};
}

class SeedConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream seed(kSeedPath);
    if (!seed) {
      GTEST_SKIP() << "seed not found at " << kSeedPath << "; the shared seeds are not checked out";
    }
    yaml_ = extractServerYaml(seed);
    ASSERT_FALSE(yaml_.empty()) << "no server.yaml block in " << kSeedPath;
  }

  std::string yaml_;
};

TEST_F(SeedConfig, LoadsUnchangedWithoutWarnings) {
  ServerConfig c = loadConfigString(yaml_, "server.yaml");
  EXPECT_TRUE(c.warnings.empty()) << core::formatDiagnostics(c.warnings);
  EXPECT_EQ(c.id, "order-dashboard");
  EXPECT_EQ(c.port, 8080);

  ASSERT_EQ(c.sources.size(), 1u);
  const PostgresSourceConfig* pg = c.sources[0].postgres();
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(c.sources[0].id, "ecommerce-db");
  EXPECT_EQ(pg->host, "postgres");
  EXPECT_EQ(pg->database, "ecommerce");
  EXPECT_THAT(pg->tables, ElementsAre("public.customers", "public.orders", "public.payments"));
  EXPECT_EQ(pg->slot_name, "drasi_dashboard_slot");
  EXPECT_EQ(pg->publication_name, "drasi_pub");
  EXPECT_EQ(c.sources[0].bootstrap_provider->kind, BootstrapKind::Postgres);

  std::vector<std::string> query_ids;
  for (const QueryConfig& q : c.queries) {
    query_ids.push_back(q.id);
  }
  EXPECT_THAT(query_ids,
              ElementsAre("order-stats", "stuck-orders", "payment-issues", "recent-orders"));
  const QueryConfig& payments = c.queries[2];
  ASSERT_EQ(payments.joins.size(), 1u);
  EXPECT_EQ(payments.joins[0].id, "FOR_ORDER");
  EXPECT_EQ(payments.joins[0].keys[0].property, "order_id");
  EXPECT_THAT(payments.sources[0].nodes, ElementsAre("payments", "orders"));

  ASSERT_EQ(c.reactions.size(), 2u);
  EXPECT_EQ(c.reactions[0].sse()->port, 8081);
  EXPECT_EQ(c.reactions[0].queries.size(), 4u);
  EXPECT_EQ(c.reactions[1].log()->routes.at("payment-issues").added->template_text,
            "[PAYMENT] Order #{{after.orderId}} has {{after.paymentStatus}} payment");
}

TEST_F(SeedConfig, QueryTextMapsBackToTheFile) {
  ServerConfig c = loadConfigString(yaml_, "server.yaml");
  const QueryConfig& stuck = c.queries.at(1);
  uint32_t offset = static_cast<uint32_t>(stuck.query.find("drasi.trueFor"));
  core::LineColumn lc = stuck.fileLocationOf(offset);
  // Find the same text in the file to know where it really is.
  std::istringstream lines(yaml_);
  std::string line;
  uint32_t line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    if (size_t column = line.find("drasi.trueFor"); column != std::string::npos) {
      EXPECT_EQ(lc.line, line_number);
      EXPECT_EQ(lc.column, column + 1);
      return;
    }
  }
  FAIL() << "drasi.trueFor not in the seed's yaml";
}

}  // namespace
}  // namespace livedash::config
