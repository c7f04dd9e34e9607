// tests/unit/engine/incremental_matches_scratch_test.cpp
//
// Random change streams: after every transaction, each query's incrementally maintained result
// must equal a fresh query built from scratch over the same elements.
#include <cstdlib>
#include <random>
#include <span>

#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

const char* const kQueries[] = {
    "MATCH (o:orders) WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue "
    "RETURN status, orderCount, totalValue",
    "MATCH (o:orders) WHERE o.status IN ['processing', 'packing'] RETURN o.id AS orderId, "
    "o.customer_name AS customerName, o.status AS status, o.total AS total",
    "MATCH (o:orders) RETURN o.id AS orderId, o.created_at AS createdAt ORDER BY o.created_at "
    "DESC, "
    "o.id LIMIT 10",
    "MATCH (o:orders) RETURN o.customer_name AS c, count(DISTINCT o.status) AS statuses, "
    "min(o.total) AS lo, max(o.total) AS hi, avg(o.total) AS mean",
    "MATCH (o:orders) WITH o.status AS s, count(*) AS n WHERE n > 3 RETURN s, n * 2 AS doubled",
    "MATCH (o:orders) RETURN DISTINCT o.status AS status",
    "MATCH (o:orders) RETURN o.status AS status, drasi.linearGradient(o.id, o.total) AS slope",
    "MATCH (o:orders {status: 'shipped'}) RETURN o.id AS id ORDER BY o.total SKIP 2 LIMIT 3",
    "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) WHERE p.status IN ['pending', 'failed'] "
    "RETURN o.id AS orderId, o.customer_name AS customerName, p.status AS paymentStatus, "
    "p.amount AS amount",
    "MATCH (o:orders)<-[:FOR_ORDER]-(p:payments) RETURN o.status AS status, count(p) AS n, "
    "sum(p.amount) AS paid",
    "MATCH (a:orders), (b:payments) WHERE a.id = b.order_id AND a.status = 'pending' "
    "RETURN a.id AS orderId, b.id AS paymentId",
    "MATCH (o:orders) OPTIONAL MATCH (o)<-[:FOR_ORDER]-(p:payments) "
    "RETURN o.id AS orderId, p.id AS paymentId, p.status AS paymentStatus",
    "MATCH (o:orders) WHERE o.status <> 'delivered' OPTIONAL MATCH (p:payments)-[:FOR_ORDER]->(o) "
    "WHERE p.status = 'failed' RETURN o.status AS status, count(p) AS failedPayments, "
    "count(*) AS rows",
    "MATCH (o:orders) RETURN date.truncate('week', o.created_at) AS week, "
    "date(o.created_at).dayOfWeek AS weekday, char_length(o.customer_name) AS len, count(*) AS n",
    "MATCH (n:orders|payments) RETURN n.status AS status, count(*) AS n",
};

const std::vector<JoinSpec> kJoins = {{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}};

core::Change randomPayment(std::mt19937& rng) {
  const char* statuses[] = {"pending", "failed", "completed"};
  core::Change c;
  c.op = static_cast<core::ChangeOp>(rng() % 3);
  int id = 1 + static_cast<int>(rng() % 30);
  c.element.id = "payments:" + std::to_string(id);
  c.element.labels = {"payments"};
  if (c.op != core::ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)},
                            {"order_id", core::Value(1 + static_cast<int>(rng() % 40))},
                            {"status", core::Value(statuses[rng() % 3])},
                            {"amount", core::Value(static_cast<double>(rng() % 10000) / 100.0)}};
  }
  return c;
}

//! Sources may send only the columns that changed: an update sometimes keeps one property of
//! its full row, so the store's in-place merge and the skipping of unread changes are exercised.
void maybeMakePartial(core::Change& c, std::mt19937& rng) {
  if (c.op != core::ChangeOp::Update || rng() % 3 != 0 || c.element.properties.empty())
    return;
  auto keep = c.element.properties.begin() +
              static_cast<std::ptrdiff_t>(rng() % c.element.properties.size());
  c.element.properties = core::Map{{keep->first, keep->second}};
}

uint32_t testSeed() {
  if (const char* env = std::getenv("LIVEDASH_TEST_SEED"))
    return static_cast<uint32_t>(std::atoi(env));
  return 20261122;
}

//! One random transaction of 1 to 4 changes over 40 orders and 30 payments.
core::ChangeBatch randomTransaction(std::mt19937& rng, int txn) {
  const char* statuses[] = {"pending", "processing", "packing", "shipped", "delivered"};
  std::vector<core::Change> changes;
  int n = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < n; ++k) {
    int id = 1 + static_cast<int>(rng() % 40);
    auto op = static_cast<core::ChangeOp>(rng() % 3);
    double total = static_cast<double>(rng() % 50000) / 100.0;
    std::string created = "2026-11-" + std::to_string(10 + rng() % 15);
    if (rng() % 3 == 0) {
      changes.push_back(randomPayment(rng));
      maybeMakePartial(changes.back(), rng);
      continue;
    }
    changes.push_back(testing::orderChange(op, id, statuses[rng() % 5], total, created));
    maybeMakePartial(changes.back(), rng);
  }
  return testing::batchOf(std::move(changes), txn);
}

void addEveryQuery(Engine& engine) {
  for (size_t i = 0; i < std::size(kQueries); ++i) {
    engine.addQuery({"q" + std::to_string(i), kQueries[i], {}, kJoins});
  }
}

TEST(IncrementalMatchesScratch, RandomChangeStreams) {
  uint32_t seed = testSeed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set LIVEDASH_TEST_SEED to replay)");
  std::mt19937 rng(seed);
  core::FakeClock clock(0);
  Engine engine(clock);
  testing::RecordingSink sink;
  engine.setDiffSink(&sink);
  addEveryQuery(engine);
  for (int txn = 0; txn < 400; ++txn) {
    engine.apply(randomTransaction(rng, txn));
    for (size_t i = 0; i < std::size(kQueries); ++i) {
      ContinuousQuery scratch({"scratch", kQueries[i], {}, kJoins});
      scratch.bootstrap(engine.elements(), clock.nowMs());
      const ContinuousQuery* live = engine.findQuery("q" + std::to_string(i));
      ASSERT_EQ(testing::sortedRows(live->snapshot()), testing::sortedRows(scratch.snapshot()))
          << "query " << kQueries[i] << " after transaction " << txn;
    }
  }
  EXPECT_GT(sink.diffs.size(), 400u);
}

// A backlog applied at once (the engine looks ahead into it) gives exactly the diffs, in the
// same order, of its transactions applied one by one.
TEST(IncrementalMatchesScratch, BacklogsGiveTheDiffsOfSingleTransactions) {
  uint32_t seed = testSeed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set LIVEDASH_TEST_SEED to replay)");
  std::mt19937 rng(seed);
  std::vector<core::ChangeBatch> stream;
  for (int txn = 0; txn < 2000; ++txn)
    stream.push_back(randomTransaction(rng, txn));
  core::FakeClock clock(0);
  Engine one_by_one(clock);
  Engine in_backlogs(clock);
  testing::RecordingSink single_diffs;
  testing::RecordingSink backlog_diffs;
  one_by_one.setDiffSink(&single_diffs);
  in_backlogs.setDiffSink(&backlog_diffs);
  addEveryQuery(one_by_one);
  addEveryQuery(in_backlogs);
  for (const core::ChangeBatch& batch : stream)
    one_by_one.apply(batch);
  for (size_t at = 0; at < stream.size();) {
    size_t n = std::min<size_t>(stream.size() - at, 1 + rng() % 40);
    in_backlogs.apply(std::span<const core::ChangeBatch>(stream).subspan(at, n));
    at += n;
  }
  ASSERT_EQ(single_diffs.json.size(), backlog_diffs.json.size());
  for (size_t i = 0; i < single_diffs.json.size(); ++i)
    ASSERT_EQ(single_diffs.json[i], backlog_diffs.json[i]) << "diff " << i;
  EXPECT_GT(single_diffs.json.size(), 2000u);
}

}  // namespace
}  // namespace livedash::engine
