// tests/integration/sources/replication_checks_test.cpp
//
// Each mistake in a PostgreSQL setup is caught when the source starts, with a message that says
// what to run: a wrong password, a missing table, a missing publication (or one created on
// request), a table left out of the publication, REPLICA IDENTITY NOTHING, a table with no key,
// a role without REPLICATION, and wal_level below logical.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "replication_test_support.hpp"
#include "sources/postgres/replication_source.hpp"
#include "support/postgres_cluster.hpp"

namespace livedash::integration {
namespace {

using sources::postgres::PgError;
using sources::postgres::ReplicationSource;
using sources::postgres::ReplicationSourceOptions;
using ::testing::HasSubstr;
using testing::PostgresCluster;

constexpr const char* kDatabase = "shop";

class ReplicationChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresCluster::available())
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    cluster_ = PostgresCluster::start();
    cluster_->createDatabase(kDatabase);
    sql("CREATE TABLE orders (id INT PRIMARY KEY, status TEXT);"
        "CREATE TABLE payments (id INT PRIMARY KEY, order_id INT);"
        "CREATE TABLE events (at TIMESTAMPTZ, what TEXT);"
        "CREATE PUBLICATION drasi_publication FOR TABLE orders;");
  }

  ReplicationSourceOptions options() const {
    ReplicationSourceOptions o;
    o.id = "pg";
    o.connection.host = cluster_->host();
    o.connection.port = cluster_->port();
    o.connection.database = kDatabase;
    o.connection.user = "postgres";
    o.connection.ssl_mode = "disable";
    o.tables = {"orders"};
    return o;
  }

  void sql(const std::string& text) { cluster_->execute(text, kDatabase); }

  //! The message start() throws, which must be a permanent fault.
  std::string startError(const ReplicationSourceOptions& o) {
    RecordingSink sink;
    ReplicationSource source(o);
    try {
      source.start(sink);
    } catch (const PgError& e) {
      EXPECT_TRUE(e.permanent()) << e.what();
      EXPECT_EQ(source.status().state, sources::SourceState::Failed);
      return e.what();
    }
    ADD_FAILURE() << "start() accepted the setup";
    return {};
  }

  std::unique_ptr<PostgresCluster> cluster_;
};

TEST_F(ReplicationChecksTest, TheValidSetupStarts) {
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  EXPECT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
}

TEST_F(ReplicationChecksTest, WrongPassword) {
  cluster_->requirePassword("app", "right");
  sql("ALTER ROLE app REPLICATION");
  ReplicationSourceOptions o = options();
  o.connection.user = "app";
  o.connection.password = "wrong";
  std::string message = startError(o);
  EXPECT_THAT(message, HasSubstr("password authentication failed"));
  EXPECT_THAT(message, HasSubstr("check `user` and `password`"));
  // And the right one works, through the same pg_hba rule.
  o.connection.password = "right";
  sql("GRANT SELECT ON orders TO app");
  RecordingSink sink;
  ReplicationSource source(o);
  source.start(sink);
  EXPECT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
}

TEST_F(ReplicationChecksTest, MissingTable) {
  ReplicationSourceOptions o = options();
  o.tables = {"public.ordres"};
  EXPECT_THAT(startError(o), HasSubstr("table `public.ordres` (from `tables`) does not exist"));
}

TEST_F(ReplicationChecksTest, MissingPublicationAndCreatingIt) {
  ReplicationSourceOptions o = options();
  o.publication_name = "no_such_pub";
  std::string message = startError(o);
  EXPECT_THAT(message, HasSubstr("publication `no_such_pub` does not exist"));
  EXPECT_THAT(message, HasSubstr("CREATE PUBLICATION no_such_pub FOR TABLE public.orders"));
  EXPECT_THAT(message, HasSubstr("create_publication: true"));

  o.create_publication = true;
  RecordingSink sink;
  ReplicationSource source(o);
  source.start(sink);
  EXPECT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
  EXPECT_EQ(cluster_->query("SELECT count(*) FROM pg_publication_tables WHERE pubname = "
                            "'no_such_pub'",
                            kDatabase)[0][0],
            "1");
}

TEST_F(ReplicationChecksTest, TableNotInThePublication) {
  ReplicationSourceOptions o = options();
  o.tables = {"orders", "payments"};
  EXPECT_THAT(startError(o), HasSubstr("table `public.payments` is not in publication "
                                       "`drasi_publication`: run `ALTER PUBLICATION "
                                       "drasi_publication ADD TABLE public.payments;`"));
}

TEST_F(ReplicationChecksTest, ReplicaIdentityNothing) {
  sql("ALTER TABLE orders REPLICA IDENTITY NOTHING");
  EXPECT_THAT(startError(options()), HasSubstr("REPLICA IDENTITY NOTHING"));
}

TEST_F(ReplicationChecksTest, TableWithoutAKey) {
  sql("ALTER PUBLICATION drasi_publication ADD TABLE events");
  ReplicationSourceOptions o = options();
  o.tables = {"events"};
  EXPECT_THAT(startError(o), HasSubstr("table `public.events` has no primary key"));
  // With a configured key, the default (empty) replica identity is still a problem.
  o.table_keys["events"] = {"at", "what"};
  EXPECT_THAT(startError(o), HasSubstr("REPLICA IDENTITY FULL"));
  sql("ALTER TABLE events REPLICA IDENTITY FULL");
  RecordingSink sink;
  ReplicationSource source(o);
  source.start(sink);
  EXPECT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
}

TEST_F(ReplicationChecksTest, RoleWithoutReplication) {
  sql("CREATE ROLE reader LOGIN; GRANT SELECT ON orders TO reader");
  ReplicationSourceOptions o = options();
  o.connection.user = "reader";
  EXPECT_THAT(startError(o), HasSubstr("ALTER ROLE reader REPLICATION"));
}

TEST_F(ReplicationChecksTest, WalLevelBelowLogical) {
  cluster_->execute("ALTER SYSTEM SET wal_level = 'replica'");
  cluster_->restart();
  std::string message = startError(options());
  EXPECT_THAT(message, HasSubstr("wal_level is `replica`"));
  EXPECT_THAT(message, HasSubstr("mode: notify"));
}

}  // namespace
}  // namespace livedash::integration
