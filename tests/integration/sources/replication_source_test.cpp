// tests/integration/sources/replication_source_test.cpp
//
// The logical replication source against a real PostgreSQL 15: bootstrap and stream line up with
// no gap and no overlap (also while a writer is busy), transactions arrive whole and in order,
// TOAST, replica identities, key changes and TRUNCATE map right, the slot is acknowledged only
// for applied transactions, and a lost connection or a restart of either side loses nothing.
#include "sources/postgres/replication_source.hpp"

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "replication_test_support.hpp"
#include "support/postgres_cluster.hpp"

namespace livedash::integration {
namespace {

using sources::SourceState;
using sources::postgres::Lsn;
using sources::postgres::parseLsn;
using sources::postgres::PgError;
using sources::postgres::ReplicationSource;
using sources::postgres::ReplicationSourceOptions;
using testing::PostgresCluster;

constexpr const char* kDatabase = "shop";

const char* kSchema = R"sql(
CREATE TABLE orders (
  id SERIAL PRIMARY KEY,
  customer_name VARCHAR(100) NOT NULL,
  status VARCHAR(30) DEFAULT 'pending',
  total DECIMAL(10,2) NOT NULL,
  notes TEXT,
  created_at TIMESTAMP DEFAULT NOW()
);
CREATE TABLE payments (
  id SERIAL PRIMARY KEY,
  order_id INTEGER REFERENCES orders(id),
  status VARCHAR(30) DEFAULT 'pending',
  amount DECIMAL(10,2) NOT NULL
);
CREATE TABLE audit (id INT PRIMARY KEY, note TEXT);
INSERT INTO orders (customer_name, status, total) VALUES
  ('Alice', 'pending', 129.99), ('Bob', 'shipped', 45.50), ('Carol', 'processing', 300.00);
INSERT INTO payments (order_id, status, amount) VALUES (1, 'failed', 129.99), (2, 'paid', 45.50);
CREATE PUBLICATION drasi_publication FOR TABLE orders, payments;
)sql";

class ReplicationSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresCluster::available())
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    cluster_ = PostgresCluster::start();
    cluster_->createDatabase(kDatabase);
    cluster_->execute(kSchema, kDatabase);
  }

  ReplicationSourceOptions options() const {
    ReplicationSourceOptions o;
    o.id = "pg";
    o.connection.host = cluster_->host();
    o.connection.port = cluster_->port();
    o.connection.database = kDatabase;
    o.connection.user = "postgres";
    o.connection.ssl_mode = "disable";
    o.tables = {"public.orders", "payments"};
    o.status_interval_ms = 200;
    o.backoff_initial_ms = 50;
    o.backoff_max_ms = 500;
    o.bootstrap.page_rows = 2;  // several pages even for the small fixture
    return o;
  }

  void sql(const std::string& text) { cluster_->execute(text, kDatabase); }
  std::string scalar(const std::string& text) {
    auto rows = cluster_->query(text, kDatabase);
    return rows.at(0).at(0).value_or("NULL");
  }

  //! What PostgreSQL holds, in the sink's shape: `orders:1` → {column: value as text}.
  std::map<std::string, std::string> tableState(const std::string& table) {
    std::map<std::string, std::string> out;
    for (const auto& row : cluster_->query(
             fmt::format("SELECT id::text, row_to_json(t)::text FROM {} t ORDER BY id", table),
             kDatabase)) {
      out[table + ":" + *row[0]] = *row[1];
    }
    return out;
  }

  static bool hasRow(const RecordingSink& s, const std::string& id) {
    return s.stateLocked().count(id) > 0;
  }

  std::unique_ptr<PostgresCluster> cluster_;
};

TEST_F(ReplicationSourceTest, BootstrapsThenStreamsEachTransactionAsOneBatch) {
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000)) << source.status().message;
  auto first = sink.batches();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].bootstrap);
  EXPECT_EQ(first[0].changes.size(), 5u);
  auto state = sink.state();
  EXPECT_EQ(state.at("orders:1").at("customer_name"), core::Value("Alice"));
  EXPECT_EQ(state.at("orders:1").at("total"), core::Value(core::Decimal{12999, 2}));
  EXPECT_EQ(state.at("payments:1").at("order_id"), core::Value(1));

  // One transaction over two tables, with a row written twice: one batch, net effect per row.
  sql("BEGIN; INSERT INTO orders (customer_name, total) VALUES ('Dan', 10.00);"
      "UPDATE orders SET status = 'processing' WHERE id = 4;"
      "INSERT INTO payments (order_id, amount) VALUES (4, 10.00);"
      "DELETE FROM payments WHERE id = 2; COMMIT;");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.batchesLocked().size() >= 2; }));
  auto batches = sink.batches();
  ASSERT_EQ(batches.size(), 2u);
  const core::ChangeBatch& tx = batches[1];
  EXPECT_FALSE(tx.bootstrap);
  ASSERT_EQ(tx.changes.size(), 3u);
  EXPECT_EQ(tx.changes[0].op, core::ChangeOp::Insert);
  EXPECT_EQ(tx.changes[0].element.id, "orders:4");
  EXPECT_EQ(tx.changes[0].element.properties.at("status"), core::Value("processing"));
  EXPECT_EQ(tx.changes[0].element.labels, core::Labels{"orders"});
  EXPECT_EQ(tx.changes[2].op, core::ChangeOp::Delete);
  EXPECT_EQ(tx.changes[2].element.id, "payments:2");
  // Stamped with the commit time PostgreSQL recorded.
  int64_t now_ms = std::stoll(scalar("SELECT (extract(epoch FROM now()) * 1000)::bigint"));
  EXPECT_NEAR(static_cast<double>(tx.commit_time_ms), static_cast<double>(now_ms), 5'000.0);
  EXPECT_EQ(source.status().state, SourceState::Streaming);
}

TEST_F(ReplicationSourceTest, UpdatesWithDefaultAndFullIdentityKeyChangesToastAndTruncate) {
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000));

  // A large value is stored out of line (TOAST); an update of another column sends it as
  // "unchanged", and the row must keep it.
  sql("ALTER TABLE orders ALTER COLUMN notes SET STORAGE EXTERNAL");
  sql("UPDATE orders SET notes = repeat('x', 100000) WHERE id = 1");
  sql("UPDATE orders SET status = 'shipped' WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    auto it = s.stateLocked().find("orders:1");
    return it != s.stateLocked().end() && it->second.at("status") == core::Value("shipped");
  }));
  auto batches = sink.batches();
  const core::Change& toast_update = batches.back().changes.at(0);
  EXPECT_EQ(toast_update.op, core::ChangeOp::Update);
  EXPECT_EQ(toast_update.element.properties.count("notes"), 0u) << "unchanged TOAST is left out";
  EXPECT_TRUE(toast_update.before.empty()) << "DEFAULT identity sends no old row";
  EXPECT_EQ(sink.state().at("orders:1").at("notes").asString().size(), 100000u);

  // REPLICA IDENTITY FULL: the old row comes along.
  sql("ALTER TABLE payments REPLICA IDENTITY FULL");
  sql("UPDATE payments SET status = 'retrying' WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("payments:1").at("status") == core::Value("retrying");
  }));
  const core::Change full = sink.batches().back().changes.at(0);
  EXPECT_EQ(full.before.at("status"), core::Value("failed"));

  // A key change moves the row.
  sql("UPDATE orders SET id = 100 WHERE id = 3");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:100"); }));
  auto moved = sink.batches().back().changes;
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].op, core::ChangeOp::Delete);
  EXPECT_EQ(moved[0].element.id, "orders:3");
  EXPECT_EQ(moved[1].op, core::ChangeOp::Insert);
  EXPECT_FALSE(sink.state().count("orders:3"));

  // TRUNCATE, then an insert in the same transaction: the order of the two survives.
  sql("BEGIN; TRUNCATE payments; INSERT INTO payments (order_id, amount) VALUES (1, 5); COMMIT;");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "payments:3"); }));
  auto state = sink.state();
  EXPECT_FALSE(state.count("payments:1"));
  EXPECT_TRUE(state.count("payments:3"));
  EXPECT_EQ(sink.batches().back().changes.at(0).op, core::ChangeOp::Truncate);
}

TEST_F(ReplicationSourceTest, NoGapAndNoOverlapWhileAWriterIsBusyDuringBootstrap) {
  sql("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL);"
      "ALTER PUBLICATION drasi_publication ADD TABLE counters;"
      "INSERT INTO counters SELECT g, 0 FROM generate_series(1, 50) g;");
  std::atomic<bool> done{false};
  std::atomic<int> transactions{0};
  // Each transaction inserts a fresh row and bumps a counter: an insert seen twice or a bump
  // missed shows up in the comparison below.
  std::thread writer([&] {
    int i = 1000;
    while (!done) {
      cluster_->execute(fmt::format("BEGIN; INSERT INTO counters VALUES ({}, 1);"
                                    "UPDATE counters SET n = n + 1 WHERE id = {}; COMMIT;",
                                    i, 1 + i % 50),
                        kDatabase);
      ++i;
      ++transactions;
    }
  });
  while (transactions < 20)
    std::this_thread::yield();
  RecordingSink sink;
  ReplicationSourceOptions o = options();
  o.tables = {"counters"};
  ReplicationSource source(o);
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000));
  int at_ready = transactions;
  while (transactions < at_ready + 100)
    std::this_thread::yield();
  done = true;
  writer.join();

  auto expected = cluster_->query("SELECT id, n FROM counters ORDER BY id", kDatabase);
  ASSERT_TRUE(sink.waitFor(
      [&](const RecordingSink& s) { return s.stateLocked().size() == expected.size(); }));
  // Let the last transaction land, then compare every row.
  ASSERT_TRUE(sink.waitFor([&](const RecordingSink& s) {
    for (const auto& row : expected) {
      auto it = s.stateLocked().find("counters:" + *row[0]);
      if (it == s.stateLocked().end() ||
          it->second.at("n") != core::Value(static_cast<int64_t>(std::stoll(*row[1]))))
        return false;
    }
    return true;
  })) << "the state built from bootstrap + stream differs from the table";
  for (const auto& [id, count] : sink.insertCounts())
    EXPECT_EQ(count, 1) << id << " was inserted more than once";
}

TEST_F(ReplicationSourceTest, AcknowledgesOnlyWhatTheEngineApplied) {
  RecordingSink sink(/*apply_immediately=*/false);
  ReplicationSource source(options());
  source.start(sink);
  sink.waitFor([](const RecordingSink& s) { return !s.batchesLocked().empty(); });
  sink.releaseApplied();
  ASSERT_TRUE(source.waitUntilReady(15'000));

  // The transaction's commit ends somewhere after `before`; the slot may not pass `before`
  // until the engine has applied it.
  Lsn before = *parseLsn(scalar("SELECT pg_current_wal_insert_lsn()::text"));
  sql("INSERT INTO orders (customer_name, total) VALUES ('Eve', 1)");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.batchesLocked().size() >= 2; }));
  auto confirmed = [&] {
    return *parseLsn(
        scalar("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = "
               "'drasi_slot'"));
  };
  // Held back: several status intervals pass and the slot must stay behind the transaction.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_LE(confirmed(), before);
  sink.releaseApplied();
  for (int i = 0; i < 50 && confirmed() <= before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GT(confirmed(), before);
  // The slot only moves on our acknowledgements (a later one may already be on its way).
  Lsn slot_position = confirmed();
  EXPECT_GE(source.acknowledgedLsn(), slot_position);

  // Idle, with traffic only in a table the source does not follow: the slot still advances.
  sql("INSERT INTO audit VALUES (1, 'not published')");
  Lsn later = *parseLsn(scalar("SELECT pg_current_wal_insert_lsn()::text"));
  for (int i = 0; i < 50 && confirmed() < later; ++i) {
    sql("SELECT pg_switch_wal()");  // makes the server send a keepalive with its position
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(confirmed(), later);
}

TEST_F(ReplicationSourceTest, ReconnectsAfterTerminateAndServerRestartWithoutLossOrRepeat) {
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000));

  // Ready means the bootstrap is applied; the stream may start a moment later.
  for (int i = 0;
       i < 100 && scalar("SELECT count(*) FROM pg_replication_slots WHERE active") != "1"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(scalar("SELECT pg_terminate_backend(active_pid)::text FROM pg_replication_slots WHERE "
                   "active"),
            "true");
  sql("INSERT INTO orders (customer_name, total) VALUES ('During outage', 1)");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:4"); }));

  cluster_->restart();
  sql("UPDATE orders SET status = 'after restart' WHERE id = 4");
  sql("DELETE FROM payments WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) {
    return s.stateLocked().at("orders:4").at("status") == core::Value("after restart") &&
           !hasRow(s, "payments:1");
  }));
  EXPECT_GE(source.status().reconnects, 2u);
  EXPECT_EQ(source.status().state, SourceState::Streaming);
  for (const auto& [id, count] : sink.insertCounts())
    EXPECT_EQ(count, 1) << id << " was applied twice";
}

TEST_F(ReplicationSourceTest, ARestartedSourceResumesFromItsSlot) {
  {
    RecordingSink sink;
    ReplicationSource source(options());
    source.start(sink);
    ASSERT_TRUE(source.waitUntilReady(15'000));
    sql("INSERT INTO orders (customer_name, total) VALUES ('Before stop', 1)");
    ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:4"); }));
  }
  // Written while nobody streams: the slot holds it, and the new bootstrap already has it.
  sql("INSERT INTO orders (customer_name, total) VALUES ('While stopped', 2)");
  sql("UPDATE orders SET status = 'cancelled' WHERE id = 2");
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000));
  sql("INSERT INTO orders (customer_name, total) VALUES ('After restart', 3)");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return hasRow(s, "orders:6"); }));
  auto state = sink.state();
  EXPECT_EQ(state.size(), 8u);  // 6 orders, 2 payments
  EXPECT_EQ(state.at("orders:2").at("status"), core::Value("cancelled"));
  for (const auto& [id, count] : sink.insertCounts())
    EXPECT_EQ(count, 1) << id << " arrived from both the bootstrap and the stream";
}

TEST_F(ReplicationSourceTest, ADroppedColumnIsReportedWithTheNextTransaction) {
  RecordingSink sink;
  ReplicationSource source(options());
  source.start(sink);
  ASSERT_TRUE(source.waitUntilReady(15'000));
  sql("UPDATE orders SET notes = 'first' WHERE id = 1");  // the stream learns the relation
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.batchesLocked().size() >= 2; }));
  sql("ALTER TABLE orders DROP COLUMN notes");
  sql("UPDATE orders SET status = 'shipped' WHERE id = 1");
  ASSERT_TRUE(sink.waitFor([](const RecordingSink& s) { return s.batchesLocked().size() >= 3; }));
  const core::ChangeBatch last = sink.batches().back();
  ASSERT_EQ(last.dropped_properties.size(), 1u);
  EXPECT_EQ(last.dropped_properties[0].label, "orders");
  EXPECT_EQ(last.dropped_properties[0].property, "notes");
  EXPECT_EQ(last.changes.at(0).element.properties.count("notes"), 0u);
  EXPECT_EQ(source.status().state, SourceState::Streaming);
}

}  // namespace
}  // namespace livedash::integration
