// tests/support/postgres_cluster.cpp
#include "support/postgres_cluster.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/process.hpp"

namespace livedash::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
constexpr int kStartAttempts = 8;

std::string binary(const char* name) {
  return fmt::format("{}/{}", kBinDir, name);
}

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

bool runningAsRoot() {
  return ::geteuid() == 0;
}

std::string runuserPath() {
  for (const char* path : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
    if (executable(path)) {
      return path;
    }
  }
  return {};
}

std::string quoteLiteral(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

std::string quoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

void ignoreNotice(void*, const char*) {}

// Stops the cluster and removes its directory once the test process is gone, unless the
// destructor did it first (it removes the directory before closing the pipe).
constexpr const char* kWatchdogScript = R"sh(
dir=$1; shift
read -r _
if [ -d "$dir" ]; then
  if ! "$@"; then
    pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -9 "$pid"
  fi
  rm -rf "$dir"
fi
)sh";

}  // namespace

void PostgresCluster::ConnDeleter::operator()(pg_conn* conn) const {
  PQfinish(conn);
}

bool PostgresCluster::available() {
  return executable(binary("initdb")) && executable(binary("pg_ctl")) &&
         executable(binary("postgres"));
}

std::unique_ptr<PostgresCluster> PostgresCluster::start() {
  // Owned from the first step, so that a failure part-way still stops and removes everything.
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster());
  cluster->initialize();
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (cluster->tryStart()) {
      cluster->connection("postgres");
      return cluster;
    }
  }
  cluster->fail(fmt::format("PostgreSQL could not bind a port in {} attempts", kStartAttempts));
}

PostgresCluster::~PostgresCluster() {
  stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  endWatchdog(watchdog_);
}

void PostgresCluster::initialize() {
  if (!available()) {
    throw std::runtime_error(fmt::format(
        "PostgreSQL 15 is not installed in {} (run scripts/install-deps.sh --test)", kBinDir));
  }
  // As root the server runs as `postgres`, which must reach the directory: stay out of $TMPDIR.
  std::string base = runningAsRoot() ? "/tmp" : std::filesystem::temp_directory_path().string();
  std::string pattern = base + "/livedash-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno)));
  }
  dir_ = pattern;
  data_dir_ = dir_ + "/data";
  log_path_ = dir_ + "/server.log";
  tool_log_path_ = dir_ + "/tools.log";
  startWatchdog();
  if (runningAsRoot()) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      fail("running as root, but there is no `postgres` OS user to run the server");
    }
    if (runuserPath().empty()) {
      fail("running as root, but runuser is not installed");
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      fail(fmt::format("chown {}: {}", dir_, std::strerror(errno)));
    }
  }
  if (runTool({binary("initdb"), "-D", data_dir_, "-U", "postgres", "--auth=trust", "--no-locale",
               "-E", "UTF8", "--no-sync"},
              tool_log_path_) != 0) {
    fail("initdb failed");
  }
  std::ofstream conf(data_dir_ + "/postgresql.conf", std::ios::app);
  conf << "\n# livedash test cluster\n"
          "listen_addresses = '127.0.0.1'\n"
          "unix_socket_directories = ''\n"
          "wal_level = logical\n"
          "max_replication_slots = 8\n"
          "max_wal_senders = 8\n"
          "fsync = off\n"
          "synchronous_commit = off\n"
          "full_page_writes = off\n"
          "datestyle = 'iso, ymd'\n"
          "timezone = 'UTC'\n"
          "include 'livedash_port.conf'\n";
  if (!conf.flush()) {
    fail("cannot write postgresql.conf");
  }
}

bool PostgresCluster::tryStart() {
  port_ = freeLoopbackPort();
  {
    std::ofstream port_conf(data_dir_ + "/livedash_port.conf", std::ios::trunc);
    port_conf << "port = " << port_ << "\n";
    if (!port_conf.flush()) {
      fail("cannot write livedash_port.conf");
    }
  }
  ::chmod((data_dir_ + "/livedash_port.conf").c_str(), 0644);
  size_t log_size = readFile(log_path_).size();
  running_ = true;  // from here on, stop() must try even if pg_ctl says it failed
  if (runTool({binary("pg_ctl"), "-D", data_dir_, "-l", log_path_, "-w", "-t", "60", "-s", "start"},
              tool_log_path_) == 0) {
    return true;
  }
  std::string log = readFile(log_path_).substr(log_size);
  bool port_taken = log.find("could not bind") != std::string::npos ||
                    log.find("could not create any TCP/IP sockets") != std::string::npos;
  if (!port_taken) {
    fail("pg_ctl start failed");
  }
  stop();
  return false;
}

void PostgresCluster::startWatchdog() {
  std::vector<std::string> args = {"/bin/sh", "-c", kWatchdogScript, "sh", dir_};
  if (runningAsRoot()) {
    args.insert(args.end(), {runuserPath(), "-u", "postgres", "--"});
  }
  args.insert(args.end(),
              {binary("pg_ctl"), "-D", data_dir_, "-m", "immediate", "-w", "-s", "stop"});
  watchdog_ = spawnWatchdog(args);
}

void PostgresCluster::stop() {
  connections_.clear();
  if (!running_) {
    return;
  }
  running_ = false;
  std::string pid_file = data_dir_ + "/postmaster.pid";
  if (!std::filesystem::exists(pid_file)) {
    return;
  }
  if (runTool(
          {binary("pg_ctl"), "-D", data_dir_, "-m", "immediate", "-w", "-t", "30", "-s", "stop"},
          tool_log_path_) == 0) {
    return;
  }
  // pg_ctl could not stop it: kill the postmaster; its children exit when it dies.
  std::ifstream in(pid_file);
  long pid = 0;
  if (in >> pid && pid > 0) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
}

void PostgresCluster::requirePassword(const std::string& role, const std::string& password) {
  execute(fmt::format("CREATE ROLE \"{}\" LOGIN PASSWORD '{}'", role, password));
  std::string hba_path = data_dir_ + "/pg_hba.conf";
  std::string rules = fmt::format(
      "host all {0} 127.0.0.1/32 scram-sha-256\nhost replication {0} 127.0.0.1/32 "
      "scram-sha-256\n",
      role);
  // pg_hba.conf is read top-down and the first match wins, so these go first.
  std::string existing = readFile(hba_path);
  {
    std::ofstream hba(hba_path, std::ios::trunc);
    hba << rules << existing;
    if (!hba.flush())
      fail("cannot write pg_hba.conf");
  }
  execute("SELECT pg_reload_conf()");
}

void PostgresCluster::restart() {
  connections_.clear();
  running_ = true;
  if (runTool({binary("pg_ctl"), "-D", data_dir_, "-l", log_path_, "-m", "fast", "-w", "-t", "60",
               "-s", "restart"},
              tool_log_path_) != 0) {
    fail("pg_ctl restart failed");
  }
  connection("postgres");
}

int PostgresCluster::runTool(const std::vector<std::string>& args, const std::string& log) const {
  std::vector<std::string> argv;
  if (runningAsRoot()) {
    argv = {runuserPath(), "-u", "postgres", "--"};
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return waitExit(spawnProcess(argv, {.cwd = dir_, .output = log}));
}

std::string PostgresCluster::logTail(size_t lines) const {
  return lastLines(readFile(log_path_), lines);
}

void PostgresCluster::fail(const std::string& what) const {
  throw std::runtime_error(fmt::format(
      "PostgreSQL test cluster in {}: {}\n--- tool output ---\n{}\n--- server log ---\n{}", dir_,
      what, lastLines(readFile(tool_log_path_), 20), logTail()));
}

std::string PostgresCluster::connectionString(const std::string& database) const {
  return fmt::format("host={} port={} dbname={} user=postgres connect_timeout=10", host_, port_,
                     quoteLiteral(database));
}

pg_conn* PostgresCluster::connection(const std::string& database) {
  auto it = connections_.find(database);
  if (it != connections_.end()) {
    if (PQstatus(it->second.get()) == CONNECTION_OK) {
      return it->second.get();
    }
    connections_.erase(it);
  }
  ConnPtr conn(PQconnectdb(connectionString(database).c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    fail(fmt::format("cannot connect to database {}: {}", quoteIdentifier(database),
                     conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  PQsetNoticeProcessor(conn.get(), ignoreNotice, nullptr);
  return connections_.emplace(database, std::move(conn)).first->second.get();
}

void PostgresCluster::createDatabase(const std::string& name) {
  execute("CREATE DATABASE " + quoteIdentifier(name));
}

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

//! Runs `sql`; throws with the server's message when it fails.
ResultPtr run(PGconn* conn, const std::string& sql) {
  ResultPtr result(PQexec(conn, sql.c_str()));
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  // A failed transaction can only roll back; do it here so the next statement runs.
  if (PQtransactionStatus(conn) == PQTRANS_INERROR) {
    PQclear(PQexec(conn, "ROLLBACK"));
  }
  constexpr size_t kShown = 300;
  std::string shown = sql.size() > kShown ? sql.substr(0, kShown) + "…" : sql;
  throw std::runtime_error(fmt::format("{}\n  in SQL: {}", message, shown));
}

}  // namespace

void PostgresCluster::execute(const std::string& sql, const std::string& database) {
  run(connection(database), sql);
}

std::vector<std::vector<std::optional<std::string>>> PostgresCluster::query(
    const std::string& sql, const std::string& database) {
  ResultPtr result = run(connection(database), sql);
  std::vector<std::vector<std::optional<std::string>>> rows;
  int row_count = PQntuples(result.get());
  int column_count = PQnfields(result.get());
  rows.reserve(static_cast<size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    auto& row = rows.emplace_back();
    row.reserve(static_cast<size_t>(column_count));
    for (int c = 0; c < column_count; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<size_t>(PQgetlength(result.get(), r, c))));
      }
    }
  }
  return rows;
}

}  // namespace livedash::testing
