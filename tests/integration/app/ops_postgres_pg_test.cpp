// tests/integration/app/ops_postgres_pg_test.cpp
//
// The operations API on a PostgreSQL source (a throwaway PostgreSQL 15): stopped, it closes its
// connections and feeds nothing while the database changes; started again, it reconnects,
// resumes from its slot and bootstraps, and the new snapshot replaces the rows it had delivered
// (a row deleted meanwhile is gone). Skips when PostgreSQL is not installed.
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "support/postgres_cluster.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::integration {
namespace {

using server::test::TestClient;
using testing::PostgresCluster;

std::string configYaml(const PostgresCluster& pg) {
  return fmt::format(R"(id: ops-pg-test
port: 0
sources:
  - kind: postgres
    id: shop
    host: 127.0.0.1
    port: {}
    database: shop
    user: postgres
    tables: [public.orders]
    slot_name: ops_slot
    publication_name: ops_pub
    create_publication: true
queries:
  - id: by-status
    query: |
      MATCH (o:orders)
      RETURN o.status AS status, count(o) AS n
    sources: [{{source_id: shop, nodes: [orders]}}]
)",
                     pg.port());
}

class OpsPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresCluster::available())
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    pg = PostgresCluster::start();
    pg->createDatabase("shop");
    pg->execute(
        "CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL);"
        "INSERT INTO orders VALUES (1, 'pending'), (2, 'pending'), (3, 'shipped');",
        "shop");
    app::ApplicationOptions options;
    options.port_override = 0;
    options.io_threads = 1;
    app = std::make_unique<app::Application>(
        config::loadConfigString(configYaml(*pg), "ops-pg.yaml"), options, clock);
    app->start();
  }
  void TearDown() override {
    if (app)
      app->stop();
  }

  server::test::Reply call(const std::string& method, const std::string& target) {
    TestClient c(app->port());
    return c.request(method, target);
  }
  //! status → count, and the snapshot's sequence.
  std::pair<std::map<std::string, int64_t>, int64_t> byStatus() {
    server::test::Reply r = call("GET", "/api/v1/queries/by-status/results");
    EXPECT_EQ(r.status, 200) << r.body;
    core::Map envelope = core::parseJson(r.body).asMap();
    std::map<std::string, int64_t> out;
    for (const core::Value& row : envelope.at("data").asList())
      out[row.asMap().at("status").asString()] = row.asMap().at("n").asInteger();
    return {out, envelope.at("sequence").asInteger()};
  }

  core::SystemClock clock;
  std::unique_ptr<PostgresCluster> pg;
  std::unique_ptr<app::Application> app;
};

TEST_F(OpsPostgresTest, StoppedSourceFeedsNothingAndCatchesUpOnStart) {
  using Counts = std::map<std::string, int64_t>;
  EXPECT_EQ(byStatus().first, (Counts{{"pending", 2}, {"shipped", 1}}));

  server::test::Reply stopped = call("POST", "/api/v1/sources/shop/stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_NE(stopped.body.find(R"("status":"Stopped")"), std::string::npos) << stopped.body;
  EXPECT_NE(stopped.body.find(R"("state":"stopped")"), std::string::npos) << stopped.body;
  const int64_t frozen = byStatus().second;

  pg->execute("DELETE FROM orders WHERE id = 3; UPDATE orders SET status = 'shipped' WHERE id = 1",
              "shop");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(byStatus(), std::pair(Counts{{"pending", 2}, {"shipped", 1}}, frozen))
      << "a stopped source feeds nothing";

  ASSERT_EQ(call("POST", "/api/v1/sources/shop/start").status, 200);
  // Reconnected: the bootstrap replaces the old rows (order 3 is gone), then the stream goes on.
  EXPECT_TRUE(server::test::waitFor(
      [&] {
        return byStatus().first == Counts{{"pending", 1}, {"shipped", 1}};
      },
      std::chrono::seconds(30)))
      << pg->logTail();
  pg->execute("INSERT INTO orders VALUES (4, 'pending')", "shop");
  EXPECT_TRUE(server::test::waitFor(
      [&] {
        return byStatus().first == Counts{{"pending", 2}, {"shipped", 1}};
      },
      std::chrono::seconds(30)));
  EXPECT_NE(
      call("GET", "/metrics").body.find(R"(livedash_source_replication_lag_bytes{source="shop"})"),
      std::string::npos);
}

}  // namespace
}  // namespace livedash::integration
