// tests/integration/app/livedash_restart_pg_test.cpp
//
// The livedash binary on a real PostgreSQL 15, killed with SIGKILL in the middle of a stream of
// 100,000 row updates and started again (or PostgreSQL restarted under it), while an SSE client
// behaves as the dashboard page does (snapshot, then the stream; Last-Event-ID on reconnect; a new
// snapshot on `must-refetch` or on a jump in a query's sequence). Afterwards the client's view and
// /results must equal PostgreSQL's own answer, no query sequence may repeat, and each query's
// sequence may jump only at the restart.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>

#include "core/json.hpp"
#include "integration/app/livedash_process.hpp"
#include "support/postgres_cluster.hpp"
#include "support/process.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::integration {
namespace {

using server::test::TestClient;
using testing::PostgresCluster;

constexpr const char* kDatabase = "shop";
constexpr int kOrders = 200;
constexpr int kUpdates = 100'000;
constexpr int kUpdatesPerTransaction = 10;

const char* kStatuses[] = {"pending", "processing", "packing", "shipped", "delivered"};

std::string configYaml(const PostgresCluster& pg, uint16_t port, const std::string& state_dir) {
  return fmt::format(R"(id: restart-test
host: 127.0.0.1
port: {}
state_dir: {}
sources:
  - kind: postgres
    id: shop
    host: 127.0.0.1
    port: {}
    database: {}
    user: postgres
    tables: [public.orders]
    slot_name: restart_slot
    publication_name: restart_pub
    create_publication: true
queries:
  - id: order-stats
    query: |
      MATCH (o:orders)
      RETURN o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue
    sources: [{{source_id: shop, nodes: [orders]}}]
reactions:
  - kind: sse
    id: stream
    queries: [order-stats]
    sse_path: /events
)",
                     port, state_dir, pg.port(), kDatabase);
}

//! What the client believes order-stats is: status → (count, total as text with 2 decimals).
using Stats = std::map<std::string, std::pair<int64_t, std::string>>;

std::pair<int64_t, std::string> statsRow(const core::Map& row) {
  return {row.at("orderCount").asInteger(), fmt::format("{:.2f}", row.at("totalValue").asNumber())};
}

class DashboardClient {
 public:
  explicit DashboardClient(uint16_t port) : port_(port) {}

  void run(const std::atomic<bool>& stop) {
    while (!stop) {
      try {
        stream(stop);
      } catch (const std::exception&) {
        ++disconnects_;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

  Stats view() {
    std::lock_guard lock(mutex_);
    return stats_;
  }
  uint64_t sequence() {
    std::lock_guard lock(mutex_);
    return sequence_;
  }
  int repeats() const { return repeats_; }
  int jumps() const { return jumps_; }
  int refetches() const { return refetches_; }
  int disconnects() const { return disconnects_; }
  int diffs() const { return diffs_; }

 private:
  void loadSnapshot() {
    TestClient http(port_);
    auto reply = http.request("GET", "/api/v1/queries/order-stats/results");
    if (reply.status != 200)
      throw std::runtime_error("results not ready");
    core::Value body = core::parseJson(reply.body);
    std::lock_guard lock(mutex_);
    stats_.clear();
    for (const core::Value& row : body.asMap().at("data").asList())
      stats_[row.asMap().at("status").asString()] = statsRow(row.asMap());
    uint64_t seq = static_cast<uint64_t>(body.asMap().at("sequence").asInteger());
    if (seq < sequence_)
      ++repeats_;  // a snapshot older than what we had: sequences went backwards
    sequence_ = seq;
    need_snapshot_ = false;
    just_loaded_ = true;
    ++refetches_;
  }

  void stream(const std::atomic<bool>& stop) {
    TestClient sse(port_);
    std::vector<std::pair<std::string, std::string>> headers;
    if (!last_event_id_.empty())
      headers.emplace_back("Last-Event-ID", last_event_id_);
    std::string request = "GET /events HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& [k, v] : headers)
      request += k + ": " + v + "\r\n";
    sse.send(request + "\r\n");
    if (sse.readHead().status != 200)
      throw std::runtime_error("no stream");
    // Subscribed first, then the snapshot: whatever changes in between arrives on the stream
    // with a sequence the snapshot already covers, and is skipped.
    if (need_snapshot_)
      loadSnapshot();
    while (!stop) {
      server::test::SseEvent event = sse.nextEvent();
      if (event.data.empty())
        continue;
      core::Map message = core::parseJson(event.data).asMap();
      if (message.count("type") && message.at("type").asString() == "must-refetch") {
        need_snapshot_ = true;
        last_event_id_.clear();
        return;  // reconnect after the snapshot, from the live end
      }
      if (!event.id.empty())
        last_event_id_ = event.id;
      apply(message);
      if (need_snapshot_)
        return;
    }
  }

  void apply(const core::Map& diff) {
    std::lock_guard lock(mutex_);
    ++diffs_;
    uint64_t seq = static_cast<uint64_t>(diff.at("sequence").asInteger());
    if (seq <= sequence_) {
      // Right after a snapshot, diffs it already contains still arrive from the stream (it was
      // subscribed first); anywhere else, an old number is a repeat.
      if (!just_loaded_)
        ++repeats_;
      return;
    }
    if (seq != sequence_ + 1) {
      ++jumps_;
      need_snapshot_ = true;
      return;
    }
    just_loaded_ = false;
    sequence_ = seq;
    for (const core::Value& row : diff.at("deleted").asList())
      stats_.erase(row.asMap().at("status").asString());
    for (const core::Value& row : diff.at("added").asList())
      stats_[row.asMap().at("status").asString()] = statsRow(row.asMap());
    for (const core::Value& pair : diff.at("updated").asList()) {
      const core::Map& after = pair.asMap().at("after").asMap();
      stats_[after.at("status").asString()] = statsRow(after);
    }
  }

  uint16_t port_;
  std::mutex mutex_;
  Stats stats_;
  uint64_t sequence_ = 0;
  bool need_snapshot_ = true;
  bool just_loaded_ = true;
  std::string last_event_id_;
  std::atomic<int> repeats_{0};
  std::atomic<int> jumps_{0};
  std::atomic<int> refetches_{0};
  std::atomic<int> disconnects_{0};
  std::atomic<int> diffs_{0};
};

Stats postgresStats(PostgresCluster& pg) {
  Stats out;
  for (const auto& row :
       pg.query("SELECT status, count(*)::text, to_char(sum(total), 'FM999999990.00') FROM orders "
                "GROUP BY status",
                kDatabase))
    out[*row[0]] = {std::stoll(*row[1]), *row[2]};
  return out;
}

std::string describe(const Stats& s) {
  std::string out;
  for (const auto& [status, v] : s)
    out += fmt::format("{}={}/{} ", status, v.first, v.second);
  return out;
}

enum class Interruption { KillLivedash, RestartPostgres };

class LivedashRestartTest : public ::testing::TestWithParam<Interruption> {};

TEST_P(LivedashRestartTest, MidStreamLosesNothingAndRepeatsNoSequence) {
  if (!PostgresCluster::available())
    GTEST_SKIP() << "PostgreSQL 15 is not installed";
  const Interruption interruption = GetParam();
  auto pg = PostgresCluster::start();
  pg->createDatabase(kDatabase);
  pg->execute(fmt::format("CREATE TABLE orders (id INT PRIMARY KEY, status TEXT NOT NULL, "
                          "total NUMERIC(10,2) NOT NULL);"
                          "INSERT INTO orders SELECT g, 'pending', 10.00 FROM generate_series(1, "
                          "{}) g;",
                          kOrders),
              kDatabase);
  std::string dir = pg->directory() + "/livedash";
  std::filesystem::create_directories(dir);
  uint16_t port = testing::freeLoopbackPort();
  std::string config = dir + "/livedash.yaml";
  std::ofstream(config) << configYaml(*pg, port, dir + "/state");
  LivedashProcess livedash({"run", "-c", config}, dir + "/livedash.log", port, "/health",
                           std::chrono::seconds(30));
  livedash.start();

  std::atomic<bool> stop_client{false};
  DashboardClient client(port);
  std::thread client_thread([&] { client.run(stop_client); });

  // The writer: its own connection, 10 updates per transaction, new status and total each time.
  // When PostgreSQL restarts it reconnects and goes on; whether the interrupted transaction
  // committed does not matter, since PostgreSQL's own answer is the reference.
  std::atomic<int> written{0};
  std::string conninfo = pg->connectionString(kDatabase);
  std::thread writer([&] {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    for (int i = 0; i < kUpdates; i += kUpdatesPerTransaction) {
      std::string sql = "BEGIN;";
      for (int j = 0; j < kUpdatesPerTransaction; ++j) {
        int n = i + j;
        // Totals only grow, so no intermediate state can look like the final one.
        sql += fmt::format("UPDATE orders SET status = '{}', total = {}.{:02d} WHERE id = {};",
                           kStatuses[(n * 7) % 5], n / 100, n % 100, 1 + (n * 31) % kOrders);
      }
      sql += "COMMIT;";
      PQclear(PQexec(conn, sql.c_str()));
      while (PQstatus(conn) != CONNECTION_OK) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        PQreset(conn);
      }
      written += kUpdatesPerTransaction;
    }
    PQfinish(conn);
  });

  while (written < kUpdates * 2 / 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  uint64_t before = client.sequence();
  if (interruption == Interruption::KillLivedash) {
    livedash.kill(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    livedash.start();
  } else {
    pg->restart();
  }
  writer.join();

  Stats expected = postgresStats(*pg);
  bool converged =
      server::test::waitFor([&] { return client.view() == expected; }, std::chrono::seconds(60));
  stop_client = true;
  client_thread.join();

  EXPECT_TRUE(converged) << "client: " << describe(client.view())
                         << "\npostgres: " << describe(expected);
  TestClient http(port);
  core::Value results =
      core::parseJson(http.request("GET", "/api/v1/queries/order-stats/results").body);
  Stats served;
  for (const core::Value& row : results.asMap().at("data").asList())
    served[row.asMap().at("status").asString()] = statsRow(row.asMap());
  EXPECT_EQ(describe(served), describe(expected))
      << "client: " << describe(client.view()) << "\nlivedash log:\n"
      << testing::lastLines(testing::readFile(dir + "/livedash.log"), 40);

  EXPECT_GT(before, 0u);
  EXPECT_GT(client.sequence(), before) << "sequences go on after the interruption";
  EXPECT_EQ(client.repeats(), 0) << "a sequence was seen twice";
  EXPECT_GT(client.diffs(), 100);
  if (interruption == Interruption::KillLivedash) {
    EXPECT_LE(client.jumps(), 1) << "the sequence may jump once, at the restart";
    EXPECT_GE(client.refetches(), 2) << "the client reloaded its snapshot after the restart";
  } else {
    // The outage shows in the metrics, and the source is back.
    std::string metrics = TestClient(port).request("GET", "/metrics").body;
    EXPECT_NE(metrics.find("livedash_source_up{source=\"shop\"} 1"), std::string::npos) << metrics;
    EXPECT_EQ(metrics.find("livedash_source_reconnects_total{source=\"shop\"} 0"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("livedash_source_replication_lag_bytes{source=\"shop\"}"),
              std::string::npos);
    // livedash stayed up: no number was skipped, and a client that lost its stream (a quiet
    // spell longer than its read timeout) resumed from the replay log without a new snapshot.
    EXPECT_EQ(client.jumps(), 0);
    EXPECT_EQ(client.refetches(), 1);
  }
  std::cout << fmt::format("client: {} diffs, {} refetches, {} disconnects, {} jumps\n",
                           client.diffs(), client.refetches(), client.disconnects(),
                           client.jumps());
}

INSTANTIATE_TEST_SUITE_P(Interruptions, LivedashRestartTest,
                         ::testing::Values(Interruption::KillLivedash,
                                           Interruption::RestartPostgres),
                         [](const ::testing::TestParamInfo<Interruption>& info) {
                           return info.param == Interruption::KillLivedash ? "SigkillLivedash"
                                                                           : "RestartPostgres";
                         });

}  // namespace
}  // namespace livedash::integration
