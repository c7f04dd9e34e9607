// bench/replication_bench.cpp
//
// PostgreSQL source throughput (docs/performance.md, "PostgreSQL source: replication
// throughput"): row changes per second from one logical replication slot, decoded and applied to
// the flagship seed's four queries, with pgbench driving updates. Reported against PostgreSQL's own
// rate in the same run.
//
//  1. A throwaway PostgreSQL 15 cluster gets the seed's schema (examples/order-dashboard/postgres/
//     schema.sql: customers, orders, payments, the updated_at triggers, a FOR ALL TABLES
//     publication), scaled up to LIVEDASH_BENCH_ORDERS orders with one payment each.
//  2. An app::EngineThread holds the seed's four queries (payment-issues with its FOR_ORDER join);
//     a ReplicationSource on slot `bench_slot` bootstraps into it, and is stopped. The slot stays.
//  3. pgbench updates K rows per transaction (K-1 orders, one payment) for LIVEDASH_BENCH_SECONDS,
//     with nothing streaming: PostgreSQL's own rate.
//  4. Drain: a new source on the same slot (skip_bootstrap, same engine) streams the backlog;
//     timed from start() until the engine has applied everything pgbench wrote.
//  5. Live: pgbench again while the source streams; the lag is the time from pgbench's end until
//     the engine has applied its last transaction.
//  6. Naive: the four queries' SQL twins, run once as a polling dashboard would after every
//     transaction, timed on the same data (seed schema, then with the indexes a DBA would add).
//
// Environment: LIVEDASH_BENCH_ORDERS (100000), LIVEDASH_BENCH_SECONDS (10),
// LIVEDASH_BENCH_LIVE_SECONDS (5), LIVEDASH_BENCH_ROWS_PER_TX (5), LIVEDASH_BENCH_CLIENTS (2).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "app/engine_thread.hpp"
#include "core/clock.hpp"
#include "core/value.hpp"
#include "engine/continuous_query.hpp"
#include "engine/engine.hpp"
#include "engine/query_diff.hpp"
#include "reactions/reaction.hpp"
#include "sources/postgres/pgoutput.hpp"
#include "sources/postgres/replication_source.hpp"
#include "support/postgres_cluster.hpp"
#include "support/process.hpp"

#ifndef LIVEDASH_SOURCE_DIR
#error "LIVEDASH_SOURCE_DIR must point at the source tree (for the seed's schema.sql)"
#endif

namespace livedash::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using sources::postgres::Lsn;
using sources::postgres::ReplicationSource;
using sources::postgres::ReplicationSourceOptions;

constexpr const char* kDatabase = "ecommerce";
constexpr const char* kSlot = "bench_slot";
constexpr const char* kPublication = "drasi_pub";  // created by schema.sql
constexpr int kCustomers = 1000;
constexpr int64_t kStuckAfterSeconds = 7200;  // the seed's "stuck for 2+ hours"
constexpr int64_t kCatchUpTimeoutMs = 600'000;

int64_t envInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (end == v || *end != '\0' || n <= 0)
    throw std::runtime_error(std::string(name) + " must be a positive integer");
  return n;
}

double secondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double cpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

//! utime + stime of another process, in seconds (from /proc/PID/stat), or -1.
double processCpuSeconds(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos)
    return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  // Fields after the command name start at 3 (state); utime and stime are 14 and 15.
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && (fields >> field); ++i) {
    if (i == 14)
      utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15)
      stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtol(line.c_str() + 6, nullptr, 10) / 1024;
  }
  return -1;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------------------------------------
// The seed's four queries (examples/order-dashboard/postgres/livedash.yaml).

std::vector<engine::QueryDefinition> seedQueries() {
  std::vector<engine::QueryDefinition> out;
  out.push_back({"order-stats",
                 "MATCH (o:orders)\n"
                 "WITH o.status AS status,\n"
                 "     count(o) AS orderCount,\n"
                 "     sum(o.total) AS totalValue\n"
                 "RETURN status, orderCount, totalValue\n",
                 {},
                 {}});
  core::Map stuck_params;
  stuck_params.emplace("stuckAfterSeconds", core::Value(kStuckAfterSeconds));
  out.push_back({"stuck-orders",
                 "MATCH (o:orders)\n"
                 "WHERE o.status IN ['processing', 'packing']\n"
                 "  AND drasi.trueFor(o.status = o.status, duration({seconds: "
                 "$stuckAfterSeconds}))\n"
                 "RETURN\n"
                 "  o.id AS orderId,\n"
                 "  o.customer_name AS customerName,\n"
                 "  o.status AS status,\n"
                 "  o.total AS total,\n"
                 "  drasi.changeDateTime(o) AS lastUpdate\n",
                 std::move(stuck_params),
                 {}});
  out.push_back({"payment-issues",
                 "MATCH (p:payments)-[:FOR_ORDER]->(o:orders)\n"
                 "WHERE p.status IN ['pending', 'failed']\n"
                 "RETURN\n"
                 "  o.id AS orderId,\n"
                 "  o.customer_name AS customerName,\n"
                 "  p.status AS paymentStatus,\n"
                 "  p.amount AS amount,\n"
                 "  p.error_message AS errorMessage\n",
                 {},
                 {engine::JoinSpec{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}}});
  out.push_back({"recent-orders",
                 "MATCH (o:orders)\n"
                 "RETURN\n"
                 "  o.id AS orderId,\n"
                 "  o.customer_name AS customerName,\n"
                 "  o.status AS status,\n"
                 "  o.total AS total,\n"
                 "  o.created_at AS createdAt\n"
                 "ORDER BY o.created_at DESC, o.id DESC\n"
                 "LIMIT 10\n",
                 {},
                 {}});
  return out;
}

//! Their SQL twins: what a polling dashboard re-runs.
struct SqlTwin {
  const char* id;
  const char* sql;
};
constexpr SqlTwin kSqlTwins[] = {
    {"order-stats",
     "SELECT status, count(*) AS order_count, sum(total) AS total_value FROM orders GROUP BY "
     "status"},
    {"stuck-orders",
     "SELECT id, customer_name, status, total, updated_at FROM orders WHERE status IN "
     "('processing', 'packing') AND updated_at <= now() - interval '7200 seconds'"},
    {"payment-issues",
     "SELECT o.id, o.customer_name, p.status, p.amount, p.error_message FROM payments p JOIN "
     "orders o ON o.id = p.order_id WHERE p.status IN ('pending', 'failed')"},
    {"recent-orders",
     "SELECT id, customer_name, status, total, created_at FROM orders ORDER BY created_at DESC, "
     "id DESC LIMIT 10"},
};

//! Stands in for the SSE reaction: subscribes to all four queries, so every diff is encoded to
//! JSON once, as in production; counts what it gets.
class CountingReaction final : public reactions::Reaction {
 public:
  CountingReaction() {
    for (const auto& d : seedQueries())
      queries_.push_back(d.id);
  }
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& queries() const override { return queries_; }
  void onDiff(const engine::QueryDiff&, const std::string& json) override {
    diffs_.fetch_add(1);
    bytes_.fetch_add(json.size());
  }
  uint64_t diffs() const { return diffs_.load(); }
  uint64_t bytes() const { return bytes_.load(); }

 private:
  std::string id_ = "bench-counter";
  std::vector<std::string> queries_;
  std::atomic<uint64_t> diffs_{0};
  std::atomic<uint64_t> bytes_{0};
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL side

class Pg {
 public:
  explicit Pg(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK)
      throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn_));
  }
  ~Pg() { PQfinish(conn_); }
  Pg(const Pg&) = delete;
  Pg& operator=(const Pg&) = delete;

  //! Runs a statement; returns the number of rows fetched (every row crosses the wire).
  int run(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    int n = PQntuples(r);
    PQclear(r);
    return n;
  }
  std::string scalar(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    std::string v = PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0);
    PQclear(r);
    return v;
  }
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    std::vector<std::vector<std::string>> out;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); ++j)
        row.emplace_back(PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
      out.push_back(std::move(row));
    }
    PQclear(r);
    return out;
  }
  Lsn currentLsn() {
    std::optional<Lsn> lsn =
        sources::postgres::parseLsn(scalar("SELECT pg_current_wal_insert_lsn()"));
    if (!lsn)
      throw std::runtime_error("unreadable pg_current_wal_insert_lsn()");
    return *lsn;
  }

 private:
  PGconn* conn_;
};

void createSchema(testing::PostgresCluster& cluster) {
  cluster.createDatabase(kDatabase);
  // The seed's schema, triggers, publication and sample rows, unchanged.
  cluster.execute(
      readText(std::string(LIVEDASH_SOURCE_DIR) + "/examples/order-dashboard/postgres/schema.sql"),
      kDatabase);
}

//! Scales the seed's sample up to `orders` orders, with one payment each.
void loadRows(Pg& pg, int64_t orders) {
  std::string n = std::to_string(orders);
  std::string customers = std::to_string(kCustomers);
  pg.run(
      "INSERT INTO customers (name, email) SELECT 'Customer ' || g, 'customer' || g || "
      "'@example.com' FROM generate_series(6, " +
      customers + ") g");
  // Orders 8..N (the sample has 7), spread over the five stages, created 30 s apart.
  pg.run(
      "INSERT INTO orders (customer_id, customer_name, status, total, created_at) "
      "SELECT c.id, c.name, "
      "(ARRAY['pending','processing','packing','shipped','delivered'])[1 + g % 5], "
      "round(5 + (g * 7919 % 49500) / 100.0, 2), NOW() - (" +
      n + " - g) * interval '30 seconds' FROM generate_series(8, " + n +
      ") g JOIN customers c ON c.id = 1 + g % " + customers + " ORDER BY g");
  // One payment per order (payment i is for order i): 10% pending, 5% failed, 85% completed.
  pg.run(
      "INSERT INTO payments (order_id, status, amount, error_message) "
      "SELECT id, CASE WHEN id % 20 < 2 THEN 'pending' WHEN id % 20 = 2 THEN 'failed' "
      "ELSE 'completed' END, total, CASE WHEN id % 20 = 2 THEN 'Card declined' END "
      "FROM orders WHERE id > 7 ORDER BY id");
  pg.run("VACUUM ANALYZE");
}

//! A transaction on its own, flushed at once (the cluster runs synchronous_commit = off), so the
//! stream sees it without waiting for the WAL writer. Everything before it is flushed too.
void commitMarker(Pg& pg) {
  pg.run(
      "BEGIN; SET LOCAL synchronous_commit = on; "
      "UPDATE customers SET email = email WHERE id = 1; COMMIT");
}

std::string runuserPath() {
  for (const char* path : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
    if (::access(path, X_OK) == 0)
      return path;
  }
  throw std::runtime_error("running as root, but runuser is not installed");
}

struct PgbenchResult {
  int64_t transactions = 0;
  double tps = 0;
  double wall_s = 0;
  std::string command;
};

class Pgbench {
 public:
  Pgbench(testing::PostgresCluster& cluster, int64_t orders, int rows_per_tx, int clients)
      : cluster_(cluster), orders_(orders), rows_per_tx_(rows_per_tx), clients_(clients) {
    script_ = cluster.directory() + "/bench_updates.sql";
    std::ofstream out(script_);
    out << script();
    if (!out.flush())
      throw std::runtime_error("cannot write " + script_);
  }

  //! K-1 order updates (each to a random stage, total + 1) and one payment update, in one
  //! transaction.
  std::string script() const {
    std::string s;
    int order_updates = rows_per_tx_ - 1;
    for (int i = 1; i <= order_updates; ++i) {
      s += "\\set id" + std::to_string(i) + " random(1, :orders)\n";
      s += "\\set st" + std::to_string(i) + " random(1, 5)\n";
    }
    s += "\\set pid random(1, :orders)\n\\set ps random(0, 19)\nBEGIN;\n";
    for (int i = 1; i <= order_updates; ++i) {
      std::string k = std::to_string(i);
      s += "UPDATE orders SET status = "
           "(ARRAY['pending','processing','packing','shipped','delivered'])[:st" +
           k + "], total = total + 1 WHERE id = :id" + k + ";\n";
    }
    s += "UPDATE payments SET status = CASE WHEN :ps < 2 THEN 'pending' WHEN :ps = 2 THEN "
         "'failed' ELSE 'completed' END WHERE id = :pid;\nEND;\n";
    return s;
  }

  PgbenchResult run(int seconds) {
    std::vector<std::string> tool = {"-n",
                                     "-M",
                                     "prepared",
                                     "-c",
                                     std::to_string(clients_),
                                     "-j",
                                     std::to_string(clients_),
                                     "-T",
                                     std::to_string(seconds),
                                     "-D",
                                     "orders=" + std::to_string(orders_),
                                     "-f",
                                     script_,
                                     "-h",
                                     cluster_.host(),
                                     "-p",
                                     std::to_string(cluster_.port()),
                                     "-U",
                                     "postgres",
                                     kDatabase};
    std::vector<std::string> args;
    if (geteuid() == 0)  // as postgres_cluster.cpp runs the server's tools
      args = {runuserPath(), "-u", "postgres", "--"};
    args.push_back("/usr/lib/postgresql/15/bin/pgbench");
    args.insert(args.end(), tool.begin(), tool.end());
    std::string log = cluster_.directory() + "/pgbench-" + std::to_string(++runs_) + ".log";
    PgbenchResult result;
    result.command = "pgbench";
    for (size_t i = 0; i < 9; ++i)  // the options that matter; the rest is connection and script
      result.command += " " + tool[i];
    auto start = SteadyClock::now();
    int code = testing::waitExit(
        testing::spawnProcess(args, {.cwd = cluster_.directory(), .output = log}));
    result.wall_s = secondsSince(start);
    std::string output = testing::readFile(log);
    if (code != 0)
      throw std::runtime_error("pgbench failed (exit " + std::to_string(code) + "):\n" + output);
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
      const char* processed = "number of transactions actually processed: ";
      if (line.rfind(processed, 0) == 0)
        result.transactions = std::strtoll(line.c_str() + std::strlen(processed), nullptr, 10);
      if (line.rfind("tps = ", 0) == 0 && result.tps == 0)
        result.tps = std::strtod(line.c_str() + 6, nullptr);
    }
    if (result.transactions <= 0 || result.tps <= 0)
      throw std::runtime_error("cannot parse pgbench's output:\n" + output);
    return result;
  }

 private:
  testing::PostgresCluster& cluster_;
  int64_t orders_;
  int rows_per_tx_;
  int clients_;
  std::string script_;
  int runs_ = 0;
};

// ---------------------------------------------------------------------------------------------
// livedash side

ReplicationSourceOptions sourceOptions(const testing::PostgresCluster& cluster,
                                       const std::string& application_name) {
  ReplicationSourceOptions o;
  o.id = "ecommerce-db";
  o.connection.host = cluster.host();
  o.connection.port = cluster.port();
  o.connection.database = kDatabase;
  o.connection.user = "postgres";
  o.connection.ssl_mode = "disable";
  o.connection.application_name = application_name;
  o.tables = {"public.customers", "public.orders", "public.payments"};
  o.slot_name = kSlot;
  o.publication_name = kPublication;
  o.status_interval_ms = 1000;
  return o;
}

Lsn appliedLsn(const ReplicationSource& source) {
  return sources::postgres::parseLsn(source.status().position).value_or(0);
}

//! Polls until the engine has applied a transaction ending at or after `target`; returns when.
SteadyClock::time_point waitApplied(const ReplicationSource& source, Lsn target) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(kCatchUpTimeoutMs);
  while (appliedLsn(source) < target) {
    sources::SourceStatus s = source.status();
    if (s.state == sources::SourceState::Failed)
      throw std::runtime_error("the source failed: " + s.message);
    if (SteadyClock::now() > deadline)
      throw std::runtime_error("not caught up after " + std::to_string(kCatchUpTimeoutMs) +
                               " ms (at " + s.position + ")");
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return SteadyClock::now();
}

//! CPU seconds the engine thread has used so far (asked on that thread).
double engineThreadCpu(app::EngineThread& engine) {
  return engine.call([](engine::Engine&) { return cpuSeconds(CLOCK_THREAD_CPUTIME_ID); });
}

//! Whether order-stats and payment-issues agree with PostgreSQL.
bool resultsMatch(app::EngineThread& engine, Pg& pg, std::string& detail) {
  auto stats =
      engine.call([](engine::Engine& e) { return e.findQuery("order-stats")->snapshot(); });
  auto issues = engine.call(
      [](engine::Engine& e) { return e.findQuery("payment-issues")->snapshot().rows.size(); });
  std::map<std::string, std::pair<int64_t, double>> ours;
  for (const auto& row : stats.rows)
    ours[row.at(0).asString()] = {row.at(1).asInteger(), row.at(2).asNumber()};
  bool ok = true;
  auto theirs = pg.rows("SELECT status, count(*), sum(total) FROM orders GROUP BY status");
  if (theirs.size() != ours.size()) {
    ok = false;
    detail += "order-stats has " + std::to_string(ours.size()) + " groups, PostgreSQL " +
              std::to_string(theirs.size()) + "; ";
  }
  for (const auto& row : theirs) {
    auto it = ours.find(row[0]);
    int64_t count = std::strtoll(row[1].c_str(), nullptr, 10);
    double sum = std::strtod(row[2].c_str(), nullptr);
    if (it == ours.end() || it->second.first != count ||
        std::fabs(it->second.second - sum) > 1e-6 * std::max(1.0, std::fabs(sum))) {
      ok = false;
      detail += "order-stats group `" + row[0] + "` differs; ";
    }
  }
  size_t pg_issues = static_cast<size_t>(
      std::strtoll(pg.scalar("SELECT count(*) FROM payments WHERE status IN ('pending', "
                             "'failed')")
                       .c_str(),
                   nullptr, 10));
  if (pg_issues != issues) {
    ok = false;
    detail += "payment-issues has " + std::to_string(issues) + " rows, PostgreSQL " +
              std::to_string(pg_issues) + "; ";
  }
  return ok;
}

struct TwinTiming {
  double ms[std::size(kSqlTwins)] = {};
  int rows[std::size(kSqlTwins)] = {};
  double total_ms = 0;
};

TwinTiming timeSqlTwins(Pg& pg, int runs) {
  TwinTiming t;
  for (size_t q = 0; q < std::size(kSqlTwins); ++q) {
    pg.run(kSqlTwins[q].sql);  // warm-up
    auto start = SteadyClock::now();
    for (int i = 0; i < runs; ++i)
      t.rows[q] = pg.run(kSqlTwins[q].sql);
    t.ms[q] = secondsSince(start) * 1e3 / runs;
    t.total_ms += t.ms[q];
  }
  return t;
}

std::string withCommas(double v) {
  auto n = static_cast<long long>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

int run() {
  spdlog::set_level(spdlog::level::warn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines show at once, also in a pipe
  const int64_t orders = std::max<int64_t>(envInt("LIVEDASH_BENCH_ORDERS", 100'000), 7);
  const int seconds = static_cast<int>(envInt("LIVEDASH_BENCH_SECONDS", 10));
  const int live_seconds = static_cast<int>(envInt("LIVEDASH_BENCH_LIVE_SECONDS", 5));
  const int rows_per_tx = static_cast<int>(envInt("LIVEDASH_BENCH_ROWS_PER_TX", 5));
  const int clients = static_cast<int>(envInt("LIVEDASH_BENCH_CLIENTS", 2));
  auto bench_start = SteadyClock::now();
  std::string load_start = loadAverage();
  std::printf("replication_bench: %" PRId64 " orders + %" PRId64
              " payments, %d rows per transaction, pgbench -c %d -j %d, %d s (live %d s), "
              "nproc %ld, load %s\n",
              orders, orders, rows_per_tx, clients, clients, seconds, live_seconds,
              sysconf(_SC_NPROCESSORS_ONLN), load_start.c_str());

  if (!testing::PostgresCluster::available()) {
    std::printf("skipped: PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)\n");
    return 0;
  }
  auto cluster = testing::PostgresCluster::start();
  auto t = SteadyClock::now();
  createSchema(*cluster);
  auto pg = std::make_unique<Pg>(cluster->connectionString(kDatabase));
  loadRows(*pg, orders);
  const int64_t bootstrap_rows = std::strtoll(
      pg->scalar("SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + "
                 "(SELECT count(*) FROM payments)")
          .c_str(),
      nullptr, 10);
  std::printf("  loaded the seed schema with %" PRId64 " rows in %.1f s\n", bootstrap_rows,
              secondsSince(t));

  // 2. The engine with the four queries; bootstrap from a new slot.
  core::SystemClock clock;
  CountingReaction reaction;
  app::EngineThread engine(clock);
  engine.addReaction(&reaction);
  engine.start();
  for (engine::QueryDefinition& d : seedQueries())
    engine.call([d](engine::Engine& e) {
      e.addQuery(d);
      return 0;
    });
  double bootstrap_s = 0;
  {
    ReplicationSource source(sourceOptions(*cluster, "livedash_bench_bootstrap"));
    t = SteadyClock::now();
    source.start(engine);
    if (!source.waitUntilReady(kCatchUpTimeoutMs))
      throw std::runtime_error("bootstrap did not finish: " + source.status().message);
    bootstrap_s = secondsSince(t);
    source.stop();
  }
  std::printf("  bootstrap: %" PRId64 " rows in %.2f s, RSS %ld MiB\n", bootstrap_rows, bootstrap_s,
              rssMiB());

  // 3. PostgreSQL's own rate, nothing streaming.
  Pgbench pgbench(*cluster, orders, rows_per_tx, clients);
  Lsn start_lsn = pg->currentLsn();
  PgbenchResult quiet = pgbench.run(seconds);
  Lsn end_lsn = pg->currentLsn();
  commitMarker(*pg);
  const double pg_rows_per_s = quiet.tps * rows_per_tx;
  const int64_t quiet_rows = quiet.transactions * rows_per_tx;
  std::printf("  pgbench: %" PRId64 " transactions (%" PRId64
              " row updates), tps %.1f, WAL %.1f MiB\n",
              quiet.transactions, quiet_rows, quiet.tps,
              static_cast<double>(end_lsn - start_lsn) / (1 << 20));

  // 4. Drain the backlog with a new source on the same slot, into the same engine.
  ReplicationSourceOptions stream_options = sourceOptions(*cluster, "livedash_bench_stream");
  stream_options.skip_bootstrap = true;  // the engine already holds every row from step 2
  ReplicationSource source(stream_options);
  uint64_t batches_before = engine.appliedBatches();
  uint64_t diffs_before = reaction.diffs();
  uint64_t json_before = reaction.bytes();
  double engine_cpu_before = engineThreadCpu(engine);
  double process_cpu_before = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  double main_cpu_before = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  t = SteadyClock::now();
  source.start(engine);
  auto caught_up = waitApplied(source, end_lsn);
  const double drain_s = std::chrono::duration<double>(caught_up - t).count();
  double main_cpu = cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - main_cpu_before;
  double process_cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_before;
  double engine_cpu = engineThreadCpu(engine) - engine_cpu_before;
  double walsender_cpu = -1;
  {
    auto pid = pg->rows(
        "SELECT pid FROM pg_stat_replication WHERE application_name = 'livedash_bench_stream'");
    if (!pid.empty())
      walsender_cpu = processCpuSeconds(pid[0][0]);
  }
  uint64_t drain_batches = engine.appliedBatches() - batches_before;
  uint64_t drain_diffs = reaction.diffs() - diffs_before;
  uint64_t drain_json = reaction.bytes() - json_before;
  const double drain_rows_per_s = static_cast<double>(quiet_rows) / drain_s;
  const double drain_tps = static_cast<double>(quiet.transactions) / drain_s;
  std::string mismatch;
  bool consistent = resultsMatch(engine, *pg, mismatch);
  std::printf("  drain: %.2f s, %" PRIu64 " batches applied, %" PRIu64
              " diffs (%.1f MiB of JSON); results match PostgreSQL: %s%s\n",
              drain_s, drain_batches, drain_diffs, static_cast<double>(drain_json) / (1 << 20),
              consistent ? "yes" : "NO: ", mismatch.c_str());
  std::printf(
      "  drain CPU: engine thread %.2f s, source thread %.2f s, walsender %.2f s "
      "(wall %.2f s)\n",
      engine_cpu, process_cpu - engine_cpu - main_cpu, walsender_cpu, drain_s);

  // 5. Live: pgbench while the source streams.
  uint64_t live_batches_before = engine.appliedBatches();
  auto live_start = SteadyClock::now();
  PgbenchResult live = pgbench.run(live_seconds);
  auto live_pg_end = SteadyClock::now();
  Lsn live_end_lsn = pg->currentLsn();
  commitMarker(*pg);
  auto live_caught_up = waitApplied(source, live_end_lsn);
  const double live_lag_s = std::chrono::duration<double>(live_caught_up - live_pg_end).count();
  const double live_total_s = std::chrono::duration<double>(live_caught_up - live_start).count();
  const int64_t live_rows = live.transactions * rows_per_tx;
  const double live_rows_per_s = static_cast<double>(live_rows) / live_total_s;
  std::printf("  live: pgbench %" PRId64
              " transactions, tps %.1f; caught up %.3f s after it "
              "ended; %" PRIu64 " batches applied\n",
              live.transactions, live.tps, live_lag_s,
              engine.appliedBatches() - live_batches_before);
  source.stop();
  consistent = resultsMatch(engine, *pg, mismatch) && consistent;

  // 6. Naive: the SQL twins, re-run once per transaction by a polling dashboard.
  constexpr int kRuns = 5;
  TwinTiming plain = timeSqlTwins(*pg, kRuns);
  pg->run("CREATE INDEX orders_status ON orders (status)");
  pg->run("CREATE INDEX orders_created_at ON orders (created_at, id)");
  pg->run("CREATE INDEX payments_order_id ON payments (order_id)");
  pg->run("CREATE INDEX payments_status ON payments (status)");
  pg->run("VACUUM ANALYZE");
  TwinTiming indexed = timeSqlTwins(*pg, kRuns);
  const TwinTiming& best = indexed.total_ms <= plain.total_ms ? indexed : plain;
  const double naive_tps = 1e3 / best.total_ms;

  // Report.
  std::string load_end = loadAverage();
  std::printf("\nPostgreSQL source: replication throughput (%" PRId64
              " orders, %d row updates per transaction, load %s -> %s)\n\n",
              orders, rows_per_tx, load_start.c_str(), load_end.c_str());
  std::printf("| what | row changes/s | transactions/s | note |\n|---|---:|---:|---|\n");
  std::printf("| PostgreSQL (pgbench, nothing streaming) | %s | %s | `%s`, %.1f s |\n",
              withCommas(pg_rows_per_s).c_str(), withCommas(quiet.tps).c_str(),
              quiet.command.c_str(), quiet.wall_s);
  std::printf(
      "| **livedash drain** (decode + apply, PostgreSQL idle) | **%s** | %s | %s rows "
      "in %.2f s |\n",
      withCommas(drain_rows_per_s).c_str(), withCommas(drain_tps).c_str(),
      withCommas(static_cast<double>(quiet_rows)).c_str(), drain_s);
  std::printf("| ratio livedash / PostgreSQL | %.2f× | | |\n", drain_rows_per_s / pg_rows_per_s);
  std::printf("| bootstrap (snapshot + apply) | %s rows/s | | %s rows in %.2f s |\n",
              withCommas(static_cast<double>(bootstrap_rows) / bootstrap_s).c_str(),
              withCommas(static_cast<double>(bootstrap_rows)).c_str(), bootstrap_s);
  std::printf(
      "| live: pgbench while streaming | %s (PostgreSQL) / %s (livedash, to caught up) "
      "| %s | lag at the end %.3f s |\n",
      withCommas(live.tps * rows_per_tx).c_str(), withCommas(live_rows_per_s).c_str(),
      withCommas(live.tps).c_str(), live_lag_s);
  std::printf(
      "\nNaive: re-running the four SQL twins once per transaction (mean of %d runs, "
      "ms)\n\n| query | seed schema | + DBA indexes | rows |\n|---|---:|---:|---:|\n",
      kRuns);
  for (size_t q = 0; q < std::size(kSqlTwins); ++q) {
    std::printf("| %s | %.3f | %.3f | %d |\n", kSqlTwins[q].id, plain.ms[q], indexed.ms[q],
                indexed.rows[q]);
  }
  std::printf("| all four | %.3f | %.3f | |\n", plain.total_ms, indexed.total_ms);
  std::printf(
      "\nRe-running the SQL per transaction would sustain %.1f transactions/s; livedash "
      "applies %s transactions/s (%s rows each): %s× more.\n",
      naive_tps, withCommas(drain_tps).c_str(), std::to_string(rows_per_tx).c_str(),
      withCommas(drain_tps / naive_tps).c_str());
  const double target = std::min(100'000.0, pg_rows_per_s);
  std::printf(
      "Target: >= %s row changes/s (100k, or PostgreSQL's rate if lower): %s "
      "(%.2f× of target).\n",
      withCommas(target).c_str(), drain_rows_per_s >= target ? "met" : "NOT met",
      drain_rows_per_s / target);
  std::printf("Results consistent with PostgreSQL after drain and live: %s%s\n",
              consistent ? "yes" : "NO: ", mismatch.c_str());
  std::printf("Total bench time %.1f s, peak RSS now %ld MiB.\n", secondsSince(bench_start),
              rssMiB());
  engine.stop();
  return consistent ? 0 : 1;
}

}  // namespace
}  // namespace livedash::bench

int main() {
  try {
    return livedash::bench::run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "replication_bench: %s\n", e.what());
    return 1;
  }
}
