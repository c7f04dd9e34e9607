// tests/support/postgres_cluster.hpp
//
// A throwaway PostgreSQL 15 cluster for integration tests and benchmarks: initdb in a fresh temp
// dir, a free loopback port, logical replication enabled, trust auth. The destructor stops the
// server and removes the directory; a watchdog process does the same if the test process dies
// without running it (a crash, SIGKILL, a ctest timeout), so no postgres process is left behind.
// Not thread-safe: use one cluster object from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

#include "support/process.hpp"

namespace livedash::testing {

class PostgresCluster {
 public:
  //! Whether PostgreSQL 15's server binaries are installed (/usr/lib/postgresql/15/bin).
  static bool available();
  //! initdb in a fresh temp dir, on a free loopback port (127.0.0.1), with wal_level=logical,
  //! max_replication_slots and max_wal_senders >= 4, fsync off, trust auth for local connections.
  //! When running as root, the server runs as the `postgres` OS user. Waits until it accepts
  //! connections. Throws std::runtime_error with the server log tail if anything fails.
  static std::unique_ptr<PostgresCluster> start();
  ~PostgresCluster();  //!< pg_ctl stop -m immediate, then removes the temp dir

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  const std::string& host() const { return host_; }  //!< "127.0.0.1"
  uint16_t port() const { return port_; }
  //! libpq connection string for `database` as superuser `postgres`.
  std::string connectionString(const std::string& database = "postgres") const;
  void createDatabase(const std::string& name);
  //! Runs SQL (one or more statements); throws std::runtime_error with the server's message.
  //! A transaction that the error aborted is rolled back, so the connection stays usable.
  void execute(const std::string& sql, const std::string& database = "postgres");
  //! Rows of a query, every value as text (std::nullopt for NULL).
  std::vector<std::vector<std::optional<std::string>>> query(
      const std::string& sql, const std::string& database = "postgres");
  //! Makes `role` (created here, with LOGIN and `password`) authenticate with a password over
  //! TCP, for normal and replication connections; every other role keeps trust.
  void requirePassword(const std::string& role, const std::string& password);
  //! Restart the server (same data dir and port), for failure tests.
  void restart();

  //! The temp dir holding the data dir and the server log (for debugging a failed test).
  const std::string& directory() const { return dir_; }
  //! The last lines of the server log.
  std::string logTail(size_t lines = 40) const;

 private:
  PostgresCluster() = default;
  struct ConnDeleter {
    void operator()(pg_conn* conn) const;
  };
  using ConnPtr = std::unique_ptr<pg_conn, ConnDeleter>;

  void initialize();
  //! Writes the port into the config and runs pg_ctl start; returns false if the port was taken.
  bool tryStart();
  void startWatchdog();
  void stop();
  //! The persistent connection to `database`, (re)connected when needed.
  pg_conn* connection(const std::string& database);
  //! Runs a PostgreSQL binary (as the postgres OS user when root), output appended to `log`.
  int runTool(const std::vector<std::string>& args, const std::string& log) const;
  [[noreturn]] void fail(const std::string& what) const;

  std::string host_ = "127.0.0.1";
  uint16_t port_ = 0;
  std::string dir_;
  std::string data_dir_;
  std::string log_path_;
  std::string tool_log_path_;
  bool running_ = false;
  Watchdog watchdog_;
  std::map<std::string, ConnPtr> connections_;
};

}  // namespace livedash::testing
