// tests/integration/postgres_cluster_test.cpp
//
// The throwaway cluster itself: settings, statements and errors, restart, and that nothing is
// left behind.
#include "support/postgres_cluster.hpp"

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>

namespace livedash::testing {
namespace {

#define SKIP_WITHOUT_POSTGRES()                                                         \
  if (!PostgresCluster::available()) {                                                  \
    GTEST_SKIP() << "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin); run " \
                    "scripts/install-deps.sh --test to install it";                     \
  }

//! Whether `pid` has exited (a zombie waiting for its parent counts as exited).
bool processGone(pid_t pid) {
  if (::kill(pid, 0) != 0) {
    return errno == ESRCH;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string field, name, state;
  stat >> field >> name >> state;
  return state == "Z";
}

std::string single(PostgresCluster& pg, const std::string& sql,
                   const std::string& db = "postgres") {
  auto rows = pg.query(sql, db);
  if (rows.size() != 1 || rows[0].size() != 1 || !rows[0][0]) {
    return "<not one value>";
  }
  return *rows[0][0];
}

TEST(PostgresCluster, StartsWithLogicalReplicationOnLoopback) {
  SKIP_WITHOUT_POSTGRES();
  auto pg = PostgresCluster::start();
  EXPECT_EQ(pg->host(), "127.0.0.1");
  EXPECT_NE(pg->port(), 0);
  EXPECT_NE(pg->connectionString("x").find("port=" + std::to_string(pg->port())),
            std::string::npos);
  EXPECT_EQ(single(*pg, "SHOW wal_level"), "logical");
  EXPECT_GE(std::stoi(single(*pg, "SHOW max_replication_slots")), 4);
  EXPECT_GE(std::stoi(single(*pg, "SHOW max_wal_senders")), 4);
  EXPECT_EQ(single(*pg, "SHOW fsync"), "off");
  EXPECT_EQ(single(*pg, "SELECT current_user"), "postgres");
  EXPECT_EQ(single(*pg, "SELECT split_part(version(), '.', 1)"), "PostgreSQL 15");
  EXPECT_EQ(single(*pg, "SELECT count(*) FROM pg_create_logical_replication_slot('s', 'pgoutput')"),
            "1");
  pg->execute("SELECT pg_drop_replication_slot('s')");
  // A replication connection, as the pgoutput source opens it.
  PGconn* conn = PQconnectdb((pg->connectionString() + " replication=database").c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* result = PQexec(conn, "IDENTIFY_SYSTEM");
  EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK) << PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
}

TEST(PostgresCluster, RunsStatementsAndReportsErrors) {
  SKIP_WITHOUT_POSTGRES();
  auto pg = PostgresCluster::start();
  pg->createDatabase("shop");
  pg->execute(
      "CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, NULL)",
      "shop");
  auto rows = pg->query("SELECT id, name FROM t ORDER BY id", "shop");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], "a");
  EXPECT_EQ(rows[1][1], std::nullopt);
  try {
    pg->execute("INSERT INTO t VALUES (1, 'dup')", "shop");
    FAIL() << "a duplicate key must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
  }
  // A failed statement inside a transaction does not leave the session stuck in it.
  pg->execute("BEGIN", "shop");
  EXPECT_THROW(pg->execute("SELECT * FROM missing_table", "shop"), std::runtime_error);
  EXPECT_EQ(single(*pg, "SELECT count(*) FROM t", "shop"), "2");
  EXPECT_EQ(single(*pg, "SELECT count(*) FROM pg_database WHERE datname = 'shop'"), "1");
}

TEST(PostgresCluster, RestartKeepsDataAndPort) {
  SKIP_WITHOUT_POSTGRES();
  auto pg = PostgresCluster::start();
  pg->execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
  uint16_t port = pg->port();
  std::string backend = single(*pg, "SELECT pg_backend_pid()");
  pg->restart();
  EXPECT_EQ(pg->port(), port);
  EXPECT_EQ(single(*pg, "SELECT v FROM kept"), "42");
  EXPECT_NE(single(*pg, "SELECT pg_backend_pid()"), backend);
}

TEST(PostgresCluster, StopsTheServerAndRemovesItsDirectory) {
  SKIP_WITHOUT_POSTGRES();
  auto pg = PostgresCluster::start();
  std::string dir = pg->directory();
  long pid = 0;
  std::ifstream(dir + "/data/postmaster.pid") >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), 0), 0);
  pg.reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
  // The postmaster removes its pid file a moment before it exits.
  for (int i = 0; i < 200 && !processGone(static_cast<pid_t>(pid)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(processGone(static_cast<pid_t>(pid)));
}

}  // namespace
}  // namespace livedash::testing
