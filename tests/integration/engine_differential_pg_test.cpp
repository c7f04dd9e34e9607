// tests/integration/engine_differential_pg_test.cpp
//
// The engine against PostgreSQL: random transactions run as SQL in a real PostgreSQL 15 and as
// change batches in the engine. After every transaction, each continuous query's result must
// equal PostgreSQL's answer to its SQL twin. Halfway through, a second copy of each query is
// created from the current elements (bootstrap) and checked from then on too.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "differential_queries.hpp"
#include "engine/engine.hpp"
#include "random_workload.hpp"
#include "support/postgres_cluster.hpp"

namespace livedash::integration {
namespace {

using testing::PostgresCluster;

constexpr int kDefaultTransactions = 1000;
constexpr const char* kDatabase = "livedash_diff";

uint32_t testSeed() {
  if (const char* env = std::getenv("LIVEDASH_TEST_SEED")) {
    return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  }
  return 20261122;
}

//! LIVEDASH_TEST_TRANSACTIONS runs a longer (or shorter) stream.
int transactionCount() {
  if (const char* env = std::getenv("LIVEDASH_TEST_TRANSACTIONS")) {
    return std::max(10, std::atoi(env));
  }
  return kDefaultTransactions;
}

//! What a query's PostgreSQL results went through, to show the test was not vacuous.
struct Coverage {
  int nonempty = 0;
  int vanished = 0;  //!< transactions after which a row key (a group) disappeared
  int appeared = 0;  //!< … a new row key appeared
  int changed = 0;   //!< … a key stayed with other values
  std::map<std::string, std::string> last_by_key;
};

void recordCoverage(Coverage& c, const std::vector<CanonicalRow>& rows, size_t key_columns) {
  std::map<std::string, std::string> by_key;
  for (const auto& row : rows) {
    by_key[rowKey(row, key_columns)] = rowKey(row, 0);
  }
  bool vanished = false, appeared = false, changed = false;
  for (const auto& [key, row] : c.last_by_key) {
    auto it = by_key.find(key);
    vanished |= it == by_key.end();
    changed |= it != by_key.end() && it->second != row;
  }
  for (const auto& [key, row] : by_key) {
    appeared |= !c.last_by_key.contains(key);
  }
  c.nonempty += rows.empty() ? 0 : 1;
  c.vanished += vanished ? 1 : 0;
  c.appeared += appeared ? 1 : 0;
  c.changed += changed ? 1 : 0;
  c.last_by_key = std::move(by_key);
}

class EngineMatchesPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresCluster::available()) {
      GTEST_SKIP() << "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin); run "
                      "scripts/install-deps.sh --test to install it";
    }
    pg_ = PostgresCluster::start();
    pg_->createDatabase(kDatabase);
    pg_->execute(RandomWorkload::schemaSql(), kDatabase);
  }

  //! Runs the statements in one PostgreSQL transaction; returns the engine's batch.
  core::ChangeBatch applyToPostgres(const std::vector<Statement>& statements, int txn) {
    core::ChangeBatch batch;
    batch.source_id = "pg";
    batch.commit_time_ms = 1'000'000 + txn;
    pg_->execute("BEGIN", kDatabase);
    for (const Statement& s : statements) {
      auto rows = pg_->query(s.sql, kDatabase);
      EXPECT_EQ(rows.size(), s.expected_rows) << "the model and PostgreSQL disagree on " << s.sql;
      if (s.change) {
        batch.changes.push_back(*s.change);
      }
    }
    pg_->execute("COMMIT", kDatabase);
    return batch;
  }

  //! Compares one engine query with PostgreSQL's rows (sorted unless the query is ordered);
  //! returns a report of the difference, or nothing when they agree.
  std::string compare(const DifferentialQuery& q, const std::string& engine_id,
                      const std::vector<CanonicalRow>& pg_rows) const {
    const engine::ContinuousQuery* live = engine_.findQuery(engine_id);
    if (live == nullptr) {
      return "query " + engine_id + " is missing from the engine";
    }
    engine::QuerySnapshot snapshot = live->snapshot();
    std::vector<CanonicalRow> engine_rows = canonicalRows(snapshot, q.columns);
    if (!q.ordered) {
      sortRows(engine_rows);
    }
    std::vector<std::string> names;
    for (const Column& c : q.columns) {
      names.push_back(c.name);
    }
    if (sameRows(engine_rows, pg_rows) && snapshot.columns && *snapshot.columns == names) {
      return {};
    }
    return fmt::format(
        "columns: engine [{}], expected [{}]\nengine rows:\n{}postgres rows:\n{}",
        snapshot.columns ? fmt::format("{}", fmt::join(*snapshot.columns, ", ")) : "",
        fmt::join(names, ", "), formatRows(engine_rows), formatRows(pg_rows));
  }

  std::vector<CanonicalRow> postgresRows(const DifferentialQuery& q) {
    std::vector<CanonicalRow> rows = canonicalRows(pg_->query(q.sql, kDatabase), q.columns);
    if (!q.ordered) {
      sortRows(rows);
    }
    return rows;
  }

  static std::string describe(const std::vector<Statement>& statements) {
    std::string out;
    for (const Statement& s : statements) {
      out += fmt::format("    {}{}\n", s.sql, s.change ? "" : "   -- touches no row");
    }
    return out;
  }

  core::FakeClock clock_{0};
  engine::Engine engine_{clock_};
  std::unique_ptr<PostgresCluster> pg_;
};

TEST_F(EngineMatchesPostgres, RandomTransactions) {
  const uint32_t seed = testSeed();
  const std::string replay = fmt::format("seed {} (replay with LIVEDASH_TEST_SEED={})", seed, seed);
  SCOPED_TRACE(replay);
  const auto& queries = differentialQueries();
  for (const DifferentialQuery& q : queries) {
    engine_.addQuery({q.id, q.cypher, {}, differentialJoins()});
  }
  const int transactions = transactionCount();
  RandomWorkload workload(seed);
  std::vector<Coverage> coverage(queries.size());
  bool late_added = false;
  for (int txn = 0; txn < transactions; ++txn) {
    std::vector<Statement> statements = workload.nextTransaction();
    engine_.apply(applyToPostgres(statements, txn));
    if (txn == transactions / 2) {
      // New queries over existing elements: bootstrap, then incremental from here on.
      for (const DifferentialQuery& q : queries) {
        engine_.addQuery({q.id + "-late", q.cypher, {}, differentialJoins()});
      }
      late_added = true;
    }
    for (size_t i = 0; i < queries.size(); ++i) {
      const DifferentialQuery& q = queries[i];
      std::vector<CanonicalRow> pg_rows = postgresRows(q);
      recordCoverage(coverage[i], pg_rows, q.key_columns);
      for (const std::string& id : {q.id, q.id + "-late"}) {
        if (id != q.id && !late_added) {
          continue;
        }
        std::string mismatch = compare(q, id, pg_rows);
        ASSERT_TRUE(mismatch.empty())
            << "query " << id << " differs from PostgreSQL after transaction " << txn << ", "
            << replay << "\n  cypher: " << q.cypher << "\n  sql:    " << q.sql
            << "\n  transaction:\n"
            << describe(statements) << mismatch;
      }
    }
  }
  // Rows (groups) must have come and gone, or the comparisons above proved little.
  const int min_moves = std::max(2, transactions / 125);
  for (size_t i = 0; i < queries.size(); ++i) {
    const DifferentialQuery& q = queries[i];
    const Coverage& c = coverage[i];
    std::string summary = fmt::format("{}: non-empty {}, key vanished {}, appeared {}, changed {}",
                                      q.id, c.nonempty, c.vanished, c.appeared, c.changed);
    std::cout << "  coverage " << summary << "\n";
    SCOPED_TRACE(summary);
    EXPECT_GE(c.nonempty, static_cast<int>(q.min_nonempty * transactions));
    EXPECT_GE(c.vanished, min_moves);
    EXPECT_GE(c.appeared, min_moves);
    if (!q.ordered && q.key_columns != 0 && q.key_columns < q.columns.size()) {
      EXPECT_GE(c.changed, min_moves);
    }
  }
  EXPECT_GT(workload.orderCount(), 5u);
  EXPECT_GT(workload.paymentCount(), 3u);
}

}  // namespace
}  // namespace livedash::integration
