// tests/integration/sources/notify_source_pg_test.cpp
//
// Notify mode (triggers + LISTEN/NOTIFY) against a real PostgreSQL 15: values typed exactly as the
// bootstrap types them, whatever the writer's session settings; a transaction arrives as one
// batch; bootstrap and stream line up while a writer is busy; long rows go through the key and a
// re-read; a lost connection or a server restart ends in the server's current state, deletes
// included; a wrong table name fails start().
#include <atomic>
#include <list>
#include <random>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "replication_test_support.hpp"
#include "sources/postgres/notify_source.hpp"
#include "support/postgres_cluster.hpp"

namespace livedash::integration {
namespace {

using sources::SourceState;
using sources::postgres::NotifySource;
using sources::postgres::NotifySourceOptions;
using sources::postgres::PgConnection;
using sources::postgres::PgConnectionSettings;
using sources::postgres::PgError;
using testing::PostgresCluster;

constexpr const char* kDatabase = "shop";
constexpr const char* kAppName = "livedash-notify-test";

const char* kSchema = R"sql(
CREATE TABLE orders (
  id SERIAL PRIMARY KEY,
  customer_name VARCHAR(100) NOT NULL,
  status VARCHAR(30) DEFAULT 'pending',
  total DECIMAL(10,2) NOT NULL
);
CREATE TABLE payments (
  id SERIAL PRIMARY KEY,
  order_id INTEGER,
  status VARCHAR(30) DEFAULT 'pending',
  amount DECIMAL(10,2) NOT NULL
);
INSERT INTO orders (customer_name, status, total) VALUES
  ('Alice', 'pending', 129.99), ('Bob', 'shipped', 45.50), ('Carol', 'processing', 300.00);
INSERT INTO payments (order_id, status, amount) VALUES (1, 'failed', 129.99), (2, 'paid', 45.50);
)sql";

// Every type with a mapping of its own, arrays, NULL, and a key of a time stamp and a bool (whose
// JSON form differs from their text form).
const char* kTypedSchema = R"sql(
CREATE TABLE items (
  id INT PRIMARY KEY,
  price NUMERIC(30,9),
  name TEXT,
  seen_at TIMESTAMPTZ,
  local_at TIMESTAMP,
  day DATE,
  active BOOL,
  attrs JSONB,
  tags TEXT[],
  counts INT[],
  ratios FLOAT8[],
  stamps TIMESTAMPTZ[],
  span INTERVAL,
  ratio FLOAT8,
  big BIGINT,
  code UUID,
  clock TIMETZ,
  note TEXT
);
CREATE TABLE readings (at TIMESTAMPTZ, ok BOOL, value INT, PRIMARY KEY (at, ok));
INSERT INTO items VALUES (1, 19.99, 'first "one"', '2024-05-01 12:00:00.5+02', '2024-05-01 12:00',
  '2024-05-01', true, '{"k": [1, 2.50, "x"], "n": null}', '{a,"b c",NULL}', '{1,NULL,3}',
  '{1,2.5}', '{"2024-01-01 00:00:00+00"}', '1 day 02:00:03.5', 0.1, 9007199254740993,
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10:00:00.25+02', NULL);
INSERT INTO readings VALUES ('2024-05-01 10:00:00+00', true, 1);
)sql";

std::map<std::string, std::string> asJson(const std::map<std::string, core::Map>& state) {
  std::map<std::string, std::string> out;
  for (const auto& [id, row] : state)
    out[id] = rowJson(row);
  return out;
}

//! Replays the live batches over the bootstrap and reports the first change that does not fit
//! the state before it: an insert of a row already there (overlap), an update or delete whose
//! old row differs from the state (a gap, or an overlap).
std::string continuityError(const std::vector<core::ChangeBatch>& batches) {
  std::map<std::string, core::Map> state;
  for (const core::ChangeBatch& batch : batches) {
    for (const core::Change& c : batch.changes) {
      const std::string& id = c.element.id;
      bool known = state.count(id) > 0;
      if (batch.bootstrap) {
        if (c.op == core::ChangeOp::Delete)
          state.erase(id);
        else
          state[id] = c.element.properties;
        continue;
      }
      switch (c.op) {
        case core::ChangeOp::Insert:
          if (known)
            return fmt::format("insert of {}, which is already there", id);
          state[id] = c.element.properties;
          break;
        case core::ChangeOp::Update:
          if (!known || rowJson(state[id]) != rowJson(c.before))
            return fmt::format("update of {} from {} but the state is {}", id, rowJson(c.before),
                               known ? rowJson(state[id]) : "absent");
          state[id] = c.element.properties;
          break;
        case core::ChangeOp::Delete:
          if (!known || rowJson(state[id]) != rowJson(c.before))
            return fmt::format("delete of {} from {} but the state is {}", id, rowJson(c.before),
                               known ? rowJson(state[id]) : "absent");
          state.erase(id);
          break;
        case core::ChangeOp::Truncate:
          return "unexpected truncate";
      }
    }
  }
  return "";
}

//! A TCP proxy in front of the server, to slow the network down (so that the bootstrap overlaps
//! a busy writer every time) or to cut it without closing anything (as a dead route or a
//! suspended host does: only a keepalive notices).
class TcpProxy {
 public:
  explicit TcpProxy(uint16_t target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
      throw std::runtime_error("proxy: cannot listen");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~TcpProxy() {
    stopping_ = true;
    acceptor_.join();
    for (std::thread& pump : pumps_)
      pump.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  //! Each chunk waits this long before it is passed on, in either direction.
  void setDelayMs(int ms) { delay_ms_ = ms; }
  //! Bytes are passed on in pieces of at most this many, each after the delay.
  void setChunkBytes(size_t bytes) { chunk_bytes_ = bytes; }
  //! While cut, nothing is passed on and nothing is closed.
  void setCut(bool cut) { cut_ = cut; }

 private:
  void acceptLoop() {
    while (!stopping_) {
      pollfd fd{listen_fd_, POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0)
        continue;
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0)
        continue;
      int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(target_port_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      pumps_.emplace_back([this, client, server] { pump(client, server); });
    }
  }

  void pump(int client, int server) {
    char buffer[65536];
    while (!stopping_) {
      if (cut_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0)
        continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
          continue;
        ssize_t n = ::recv(fds[i].fd, buffer, std::min(sizeof buffer, chunk_bytes_.load()), 0);
        if (n <= 0) {
          closed = true;
          break;
        }
        if (int delay = delay_ms_.load(); delay > 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        int to = i == 0 ? server : client;
        for (ssize_t sent = 0; sent < n;) {
          ssize_t w = ::send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
          if (w <= 0) {
            closed = true;
            break;
          }
          sent += w;
        }
      }
      if (closed)
        break;
    }
    ::close(client);
    ::close(server);
  }

  uint16_t target_port_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> cut_{false};
  std::atomic<size_t> chunk_bytes_{65536};
  std::thread acceptor_;
  std::list<std::thread> pumps_;  // only the acceptor adds, only the destructor joins
};

class NotifySourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spdlog::set_level(spdlog::level::warn); }

  void SetUp() override {
    if (!PostgresCluster::available())
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    cluster_ = PostgresCluster::start();
    cluster_->createDatabase(kDatabase);
    sql(kSchema);
  }

  NotifySourceOptions options() const {
    NotifySourceOptions o;
    o.id = "pg";
    o.connection.host = cluster_->host();
    o.connection.port = cluster_->port();
    o.connection.database = kDatabase;
    o.connection.user = "postgres";
    o.connection.ssl_mode = "disable";
    o.connection.application_name = kAppName;
    o.tables = {"public.orders", "payments"};
    o.backoff_initial_ms = 50;
    o.backoff_max_ms = 500;
    o.bootstrap.page_rows = 2;  // several pages even for the small fixture
    return o;
  }

  void sql(const std::string& text) { cluster_->execute(text, kDatabase); }

  //! What a fresh source bootstraps now: the text-output path, the reference for the stream.
  std::map<std::string, std::string> freshBootstrap(NotifySourceOptions o) {
    o.connection.application_name = "livedash-notify-reference";
    RecordingSink sink;
    NotifySource source(o);
    source.start(sink);
    EXPECT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
    source.stop();
    return asJson(sink.state());
  }

  //! Waits until the sink holds what a fresh bootstrap reads.
  void expectConverges(RecordingSink& sink, const NotifySourceOptions& o) {
    std::map<std::string, std::string> expected = freshBootstrap(o);
    sink.waitFor([&](const RecordingSink& s) { return asJson(s.stateLocked()) == expected; });
    EXPECT_EQ(asJson(sink.state()), expected);
  }

  static bool hasRow(const RecordingSink& s, const std::string& id) {
    return s.stateLocked().count(id) > 0;
  }

  static bool waitForState(NotifySource& source, SourceState state, int timeout_ms = 15'000) {
    for (int waited = 0; waited < timeout_ms; waited += 5) {
      if (source.status().state == state)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::unique_ptr<PostgresCluster> cluster_;
};

TEST_F(NotifySourceTest, BootstrapsThenStreamsTypedValuesLikeTheBootstrapReadsThem) {
  sql(kTypedSchema);
  NotifySourceOptions o = options();
  o.tables = {"items", "readings"};
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
  auto first = sink.batches();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].bootstrap);
  ASSERT_EQ(first[0].changes.size(), 2u);
  core::Map item = sink.state().at("items:1");
  EXPECT_EQ(item.at("price"), core::Value(core::Decimal{1999, 2}));
  EXPECT_EQ(item.at("active"), core::Value(true));
  EXPECT_EQ(item.at("seen_at"), core::Value(core::DateTime{1714557600500}));
  EXPECT_TRUE(item.at("attrs").isMap());
  EXPECT_EQ(item.at("counts"), core::Value(core::List{1, nullptr, 3}));
  EXPECT_TRUE(item.at("note").isNull());
  EXPECT_EQ(item.at("clock"), core::Value("10:00:00.25+02"));
  EXPECT_EQ(sink.state().count("readings:2024-05-01 10:00:00+00_t"), 1u);

  // A writer whose session prints values its own way: the trigger pins the formats.
  sql("SET TimeZone = 'America/New_York'; SET DateStyle = 'SQL, DMY';"
      "SET IntervalStyle = 'postgres_verbose'; SET extra_float_digits = 0");
  sql("INSERT INTO items SELECT 2, price, name, seen_at, local_at, day, active, attrs, tags, "
      "counts, ratios, stamps, span, ratio, big, code, clock, note FROM items WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "items:2"); }));
  auto inserted = sink.batches().back();
  EXPECT_FALSE(inserted.bootstrap);
  ASSERT_EQ(inserted.changes.size(), 1u);
  EXPECT_EQ(inserted.changes[0].op, core::ChangeOp::Insert);
  core::Map copy = inserted.changes[0].element.properties;
  copy.insert_or_assign("id", core::Value(1));
  EXPECT_EQ(rowJson(copy), rowJson(sink.state().at("items:1")));

  sql("UPDATE items SET price = 5, note = 'now set', tags = '{}' WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("items:1").at("note") == core::Value("now set");
  }));
  core::Change update = sink.batches().back().changes.at(0);
  EXPECT_EQ(update.op, core::ChangeOp::Update);
  EXPECT_EQ(update.before.at("price"), core::Value(core::Decimal{1999, 2}));
  EXPECT_TRUE(update.before.at("note").isNull());
  EXPECT_EQ(update.element.properties.at("price"), core::Value(5));

  // Keys whose JSON form differs from their text form still name the bootstrap's element.
  sql("UPDATE readings SET value = 2");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    auto it = s.stateLocked().find("readings:2024-05-01 10:00:00+00_t");
    return it != s.stateLocked().end() && it->second.at("value") == core::Value(2);
  }));
  EXPECT_EQ(sink.batches().back().changes.at(0).op, core::ChangeOp::Update);

  sql("DELETE FROM items WHERE id = 2");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return !hasRow(s, "items:2"); }));
  core::Change deleted = sink.batches().back().changes.at(0);
  EXPECT_EQ(deleted.op, core::ChangeOp::Delete);
  EXPECT_EQ(deleted.before.at("name"), core::Value("first \"one\""));

  expectConverges(sink, o);
  EXPECT_EQ(source.status().state, SourceState::Streaming);
  EXPECT_GT(source.status().last_commit_ms, 0);
}

TEST_F(NotifySourceTest, ATransactionOverTwoTablesArrivesAsOneCoalescedBatch) {
  RecordingSink sink;
  NotifySource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;

  sql("BEGIN; INSERT INTO orders (customer_name, total) VALUES ('Dan', 10.00);"
      "UPDATE orders SET status = 'processing' WHERE id = 4;"
      "INSERT INTO payments (order_id, amount) VALUES (4, 10.00);"
      "UPDATE orders SET total = 1 WHERE id = 1;"
      "DELETE FROM payments WHERE id = 2; COMMIT;");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.batchesLocked().size() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nothing else may follow
  auto batches = sink.batches();
  ASSERT_EQ(batches.size(), 2u);
  const core::ChangeBatch& tx = batches[1];
  EXPECT_FALSE(tx.bootstrap);
  ASSERT_EQ(tx.changes.size(), 4u);
  EXPECT_EQ(tx.changes[0].op, core::ChangeOp::Insert);
  EXPECT_EQ(tx.changes[0].element.id, "orders:4");
  EXPECT_EQ(tx.changes[0].element.properties.at("status"), core::Value("processing"));
  EXPECT_EQ(tx.changes[0].element.labels, core::Labels{"orders"});
  EXPECT_EQ(tx.changes[1].element.id, "payments:3");
  EXPECT_EQ(tx.changes[2].op, core::ChangeOp::Update);
  EXPECT_EQ(tx.changes[2].before.at("total"), core::Value(core::Decimal{12999, 2}));
  EXPECT_EQ(tx.changes[3].op, core::ChangeOp::Delete);
  EXPECT_EQ(tx.changes[3].element.id, "payments:2");

  // NOTIFY folds identical payloads of a transaction into one; insert, delete, insert of the same
  // row must still end with the row there.
  sql("BEGIN; INSERT INTO orders VALUES (50, 'Eve', 'pending', 1); DELETE FROM orders WHERE id = "
      "50;"
      "INSERT INTO orders VALUES (50, 'Eve', 'pending', 1); COMMIT;");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:50"); }));

  // A key change moves the row; TRUNCATE then an insert keep their order.
  sql("UPDATE orders SET id = 100 WHERE id = 3");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:100"); }));
  auto moved = sink.batches().back().changes;
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].op, core::ChangeOp::Delete);
  EXPECT_EQ(moved[0].element.id, "orders:3");
  EXPECT_EQ(moved[1].op, core::ChangeOp::Insert);
  sql("BEGIN; TRUNCATE payments; INSERT INTO payments (order_id, amount) VALUES (1, 5); COMMIT;");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "payments:4"); }));
  auto truncated = sink.batches().back().changes;
  ASSERT_EQ(truncated.size(), 2u);
  EXPECT_EQ(truncated[0].op, core::ChangeOp::Truncate);
  EXPECT_EQ(truncated[0].element.labels, core::Labels{"payments"});
  EXPECT_FALSE(sink.state().count("payments:1"));

  expectConverges(sink, options());
}

TEST_F(NotifySourceTest, WritesDuringTheBootstrapAreNeitherLostNorDuplicated) {
  sql("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL);"
      "INSERT INTO counters SELECT g, 0 FROM generate_series(1, 400) g;");
  // Through a slow network, the source's LISTEN and its snapshot are some 50 ms apart: the
  // writer commits transactions in between every time, whose notifications arrive and are already
  // in the snapshot (an overlap the xid test must drop).
  TcpProxy proxy(cluster_->port());
  proxy.setDelayMs(10);
  NotifySourceOptions o = options();
  o.connection.port = proxy.port();
  o.tables = {"counters"};
  o.bootstrap.page_rows = 20;  // a slow bootstrap, for the writer to overlap
  PgConnectionSettings direct = options().connection;
  // The triggers must exist before the writer starts, or its first writes are not notified.
  {
    RecordingSink warmup;
    NotifySource installer(o);
    installer.start(warmup);
    installer.stop();
  }
  // A transaction open across the snapshot: in progress for it, committed after.
  PgConnection open_tx(direct);
  open_tx.exec("BEGIN; INSERT INTO counters VALUES (100000, 1)");

  std::atomic<bool> done{false};
  std::atomic<int> transactions{0};
  std::thread writer([&] {
    PgConnection conn(direct);
    std::mt19937 rng(7);
    int next_id = 1000;
    while (!done) {
      int k = static_cast<int>(rng() % 400) + 1;
      switch (rng() % 4) {
        case 0:
          conn.exec(fmt::format("INSERT INTO counters VALUES ({}, 0)", next_id++));
          break;
        case 1:
          conn.exec(fmt::format("DELETE FROM counters WHERE id = {}", k));
          break;
        default:
          conn.exec(
              fmt::format("BEGIN; UPDATE counters SET n = n + 1 WHERE id = {0}; "
                          "UPDATE counters SET n = n + 1 WHERE id = {1}; COMMIT",
                          k, k % 400 + 1));
      }
      ++transactions;
    }
  });
  auto wait_for_transactions = [&](int count) {
    while (transactions < count)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  wait_for_transactions(100);  // committed before the source listens
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(30'000)) << source.status().message;
  open_tx.exec("COMMIT");
  wait_for_transactions(transactions + 200);
  done = true;
  writer.join();

  expectConverges(sink, o);
  EXPECT_TRUE(sink.state().count("counters:100000"));
  EXPECT_EQ(continuityError(sink.batches()), "");
  EXPECT_GT(sink.batches().size(), 2u);
}

TEST_F(NotifySourceTest, ALargeTransactionArrivesWholeThroughASlowNetwork) {
  // The notifications of one transaction reach the source over many reads.
  TcpProxy proxy(cluster_->port());
  NotifySourceOptions o = options();
  o.connection.port = proxy.port();
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
  proxy.setChunkBytes(1000);
  proxy.setDelayMs(2);

  for (int round = 0; round < 3; ++round) {
    sql("INSERT INTO orders (customer_name, total) SELECT 'bulk', g FROM generate_series(1, 300) "
        "g");
  }
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.stateLocked().size() >= 905; }));
  auto batches = sink.batches();
  ASSERT_EQ(batches.size(), 4u);
  for (size_t i = 1; i < batches.size(); ++i)
    EXPECT_EQ(batches[i].changes.size(), 300u);
}

TEST_F(NotifySourceTest, LongRowsGoThroughTheKeyAndAReRead) {
  sql("CREATE TABLE docs (id INT PRIMARY KEY, title TEXT, body TEXT);"
      "INSERT INTO docs VALUES (1, 'small', 'short');");
  NotifySourceOptions o = options();
  o.tables = {"docs"};
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;

  sql("INSERT INTO docs VALUES (2, 'long', repeat('x', 10000))");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "docs:2"); }));
  core::Change insert = sink.batches().back().changes.at(0);
  EXPECT_EQ(insert.op, core::ChangeOp::Insert);
  EXPECT_EQ(insert.element.properties.at("body").asString(), std::string(10000, 'x'));
  EXPECT_EQ(insert.element.properties.at("title"), core::Value("long"));

  // Old and new rows both long: both go by key; the old row is unknown.
  sql("UPDATE docs SET body = repeat('y', 9000) WHERE id = 2");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("docs:2").at("body").asString()[0] == 'y';
  }));
  core::Change long_update = sink.batches().back().changes.at(0);
  EXPECT_EQ(long_update.op, core::ChangeOp::Update);
  EXPECT_TRUE(long_update.before.empty());

  // Only the old row long: the new one comes whole, without a re-read.
  sql("UPDATE docs SET body = 'short again' WHERE id = 2");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("docs:2").at("body") == core::Value("short again");
  }));
  EXPECT_TRUE(sink.batches().back().changes.at(0).before.empty());

  sql("UPDATE docs SET body = repeat('z', 9000) WHERE id = 2; DELETE FROM docs WHERE id = 2");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return !hasRow(s, "docs:2"); }));
  EXPECT_EQ(sink.batches().back().changes.at(0).op, core::ChangeOp::Delete);
  expectConverges(sink, o);
}

TEST_F(NotifySourceTest, ATerminatedConnectionReconnectsAndCatchesUpDeletesIncluded) {
  NotifySourceOptions o = options();
  // Slow enough to write while nobody listens.
  o.backoff_initial_ms = 1500;
  o.backoff_max_ms = 1500;
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
  ASSERT_EQ(source.status().reconnects, 0u);

  sql(
      fmt::format("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = '{}'",
                  kAppName));
  ASSERT_TRUE(waitForState(source, SourceState::Reconnecting));
  EXPECT_FALSE(source.status().message.empty());
  sql("INSERT INTO orders (customer_name, total) VALUES ('While away', 1);"
      "UPDATE orders SET status = 'changed while away' WHERE id = 1;"
      "DELETE FROM payments WHERE id = 2; DELETE FROM orders WHERE id = 2;");

  ASSERT_TRUE(waitForState(source, SourceState::Streaming));
  EXPECT_EQ(source.status().reconnects, 1u);
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return !hasRow(s, "orders:2"); }));
  // The catch-up is a second bootstrap that deletes what is gone.
  auto batches = sink.batches();
  const core::ChangeBatch& catch_up = batches.back();
  EXPECT_TRUE(catch_up.bootstrap);
  int deletes = 0;
  for (const core::Change& c : catch_up.changes)
    deletes += c.op == core::ChangeOp::Delete ? 1 : 0;
  EXPECT_EQ(deletes, 2);
  EXPECT_EQ(sink.state().at("orders:1").at("status"), core::Value("changed while away"));

  // And it streams again.
  sql("UPDATE orders SET status = 'after' WHERE id = 4");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("orders:4").at("status") == core::Value("after");
  }));
  expectConverges(sink, o);
}

TEST_F(NotifySourceTest, AKeepaliveNoticesACutNetworkAndTheSourceCatchesUp) {
  TcpProxy proxy(cluster_->port());
  NotifySourceOptions o = options();
  o.connection.port = proxy.port();
  o.connection.connect_timeout_seconds = 2;
  o.keepalive_interval_ms = 200;
  o.answer_timeout_ms = 500;
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;

  // Nothing closes: only the unanswered keepalive tells the connection is dead.
  proxy.setCut(true);
  sql("UPDATE orders SET status = 'while cut' WHERE id = 1; DELETE FROM orders WHERE id = 2");
  ASSERT_TRUE(waitForState(source, SourceState::Reconnecting, 5'000));
  EXPECT_NE(source.status().message.find("did not answer"), std::string::npos)
      << source.status().message;
  proxy.setCut(false);
  ASSERT_TRUE(waitForState(source, SourceState::Streaming));
  EXPECT_EQ(source.status().reconnects, 1u);
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return !hasRow(s, "orders:2"); }));
  EXPECT_EQ(sink.state().at("orders:1").at("status"), core::Value("while cut"));
  expectConverges(sink, o);
}

TEST_F(NotifySourceTest, AServerRestartReconnectsAndLosesNothing) {
  NotifySourceOptions o = options();
  o.keepalive_interval_ms = 100;
  RecordingSink sink;
  NotifySource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;

  std::atomic<bool> watching{true};
  std::atomic<bool> saw_reconnecting{false};
  std::thread watcher([&] {
    while (watching) {
      if (source.status().state == SourceState::Reconnecting)
        saw_reconnecting = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  cluster_->restart();
  // Possibly before the source is back: then the re-bootstrap must carry it.
  sql("DELETE FROM orders WHERE id = 3; UPDATE orders SET status = 'after restart' WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("orders:1").at("status") == core::Value("after restart") &&
           !hasRow(s, "orders:3");
  }));
  ASSERT_TRUE(waitForState(source, SourceState::Streaming));
  watching = false;
  watcher.join();
  EXPECT_TRUE(saw_reconnecting);
  EXPECT_GE(source.status().reconnects, 1u);

  // An explicit id: a restart may advance the serial's sequence.
  sql("INSERT INTO orders VALUES (40, 'After restart', 'pending', 3)");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:40"); }));
  expectConverges(sink, o);
}

TEST_F(NotifySourceTest, AMissingTableFailsStartNamingIt) {
  NotifySourceOptions o = options();
  o.tables = {"orders", "public.no_such_table"};
  RecordingSink sink;
  NotifySource source(o);
  try {
    source.start(sink);
    FAIL() << "start() should have thrown";
  } catch (const PgError& e) {
    EXPECT_TRUE(e.permanent());
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_EQ(source.status().state, SourceState::Failed);
  EXPECT_TRUE(sink.batches().empty());
}

TEST_F(NotifySourceTest, TriggersAreInstalledOncePerChannelAndTable) {
  {
    RecordingSink sink;
    NotifySource source(options());
    source.start(sink);
    ASSERT_TRUE(source.waitUntilReady(15'000));
  }
  auto trigger_state = [&] {
    return cluster_->query(
        "SELECT tgname, xmin::text FROM pg_trigger WHERE tgname LIKE 'livedash%' UNION ALL "
        "SELECT proname, xmin::text FROM pg_proc WHERE proname = 'notify_change' ORDER BY 1",
        kDatabase);
  };
  auto installed = trigger_state();
  ASSERT_EQ(installed.size(), 5u);  // the function, a row and a TRUNCATE trigger on each table
  {
    RecordingSink sink;
    NotifySource again(options());
    again.start(sink);
    ASSERT_TRUE(again.waitUntilReady(15'000));
  }
  EXPECT_EQ(trigger_state(), installed) << "a second start must not recreate anything";

  // Another channel gets triggers of its own; the first channel's stay.
  NotifySourceOptions other = options();
  other.channel = "other_channel";
  RecordingSink sink;
  NotifySource third(other);
  third.start(sink);
  ASSERT_TRUE(third.waitUntilReady(15'000));
  EXPECT_EQ(trigger_state().size(), 9u);
}

}  // namespace
}  // namespace livedash::integration
