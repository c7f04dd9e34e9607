// tests/unit/engine/clock_steps_match_scratch_test.cpp
//
// Random change streams interleaved with clock steps, small and large: after every transaction
// and every step, each time-relative query's incrementally maintained result must equal a fresh
// query built from scratch over the same elements at the stepped time.
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

const char* const kQueries[] = {
    "MATCH (e:events) WHERE e.at > datetime.realtime() - duration({minutes: 5}) "
    "RETURN e.id AS id, e.kind AS kind",
    "MATCH (e:events) WHERE e.at > datetime.realtime() - duration({minutes: 5}) "
    "RETURN count(e) AS events, count(DISTINCT e.user) AS users",
    "MATCH (e:events) WHERE e.at >= datetime.truncate('hour', datetime.realtime()) "
    "WITH e.kind AS kind, count(DISTINCT e.user) AS users RETURN kind, users",
    "MATCH (e:events) WHERE datetime.realtime() - duration({minutes: 2}) >= e.at "
    "RETURN e.kind AS kind, count(*) AS old",
    "MATCH (e:events) WHERE e.at_ms <= timestamp() - 30000 "
    "AND e.at > datetime.realtime() - duration({minutes: 10}) RETURN e.id AS id",
    "MATCH (e:events) WHERE e.at > datetime.realtime() - duration({minutes: 5}) "
    "RETURN e.id AS id, e.at AS at ORDER BY e.at DESC, e.id LIMIT 3",
    "MATCH (e:events) WHERE e.at > datetime.realtime() - duration({hours: 1}) "
    "WITH datetime.truncate('minute', e.at) AS minute, count(e) AS n RETURN minute, n",
    "MATCH (e:events) WHERE e.at >= datetime.truncate('day', datetime.realtime()) - "
    "duration({hours: 1}) RETURN e.user AS user, max(e.at) AS last",
    "MATCH (e:events) WHERE drasi.future(e.kind <> 'signup', e.at + duration({minutes: 1})) "
    "RETURN e.id AS id, e.kind AS kind",
    "MATCH (e:events) WHERE e.at >= date.truncate('day', localdatetime.realtime()) "
    "WITH localtime.truncate('minute', e.at) AS minute, count(e) AS n RETURN minute, n",
};

uint32_t testSeed() {
  if (const char* env = std::getenv("LIVEDASH_TEST_SEED"))
    return static_cast<uint32_t>(std::atoi(env));
  return 20261123;
}

core::Change randomEvent(std::mt19937& rng, int64_t now_ms) {
  const char* kinds[] = {"view", "click", "signup"};
  core::Change c;
  c.op = static_cast<core::ChangeOp>(rng() % 3);
  int id = 1 + static_cast<int>(rng() % 60);
  c.element.id = "events:" + std::to_string(id);
  c.element.labels = {"events"};
  if (c.op != core::ChangeOp::Delete) {
    // Mostly recent instants, some a little in the future, some whole-minute aligned so that
    // changes land exactly on thresholds.
    int64_t at = now_ms - static_cast<int64_t>(rng() % (15 * 60'000)) + 30'000;
    if (rng() % 4 == 0)
      at -= at % 60'000;
    c.element.properties = {{"id", core::Value(id)},
                            {"kind", core::Value(kinds[rng() % 3])},
                            {"user", core::Value("u" + std::to_string(rng() % 12))},
                            {"at", core::Value(core::DateTime{at})},
                            {"at_ms", core::Value(at)}};
  }
  return c;
}

TEST(ClockStepsMatchScratch, RandomChangesAndClockSteps) {
  uint32_t seed = testSeed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set LIVEDASH_TEST_SEED to replay)");
  std::mt19937 rng(seed);
  // Start shortly before a midnight, so the day and hour boundaries are crossed.
  core::FakeClock clock(1'795'391'100'000);  // 2026-11-22T23:45:00Z
  Engine engine(clock);
  testing::RecordingSink sink;
  engine.setDiffSink(&sink);
  for (size_t i = 0; i < std::size(kQueries); ++i)
    engine.addQuery({"q" + std::to_string(i), kQueries[i], {}});

  size_t compared = 0;
  auto compareAll = [&](const std::string& after) {
    for (size_t i = 0; i < std::size(kQueries); ++i) {
      ContinuousQuery scratch({"scratch", kQueries[i], {}});
      scratch.bootstrap(engine.elements(), clock.nowMs());
      const ContinuousQuery* live = engine.findQuery("q" + std::to_string(i));
      ASSERT_EQ(testing::sortedRows(live->snapshot()), testing::sortedRows(scratch.snapshot()))
          << "query " << kQueries[i] << " after " << after;
      ++compared;
    }
  };
  for (int round = 0; round < 600; ++round) {
    if (rng() % 2 == 0) {
      std::vector<core::Change> changes;
      int n = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k)
        changes.push_back(randomEvent(rng, clock.nowMs()));
      engine.apply(testing::batchOf(std::move(changes), clock.nowMs()));
      compareAll("transaction in round " + std::to_string(round));
    } else {
      // Mostly seconds; sometimes a jump over many deadlines at once.
      int64_t step = rng() % 10 == 0 ? static_cast<int64_t>(rng() % (40 * 60'000))
                                     : static_cast<int64_t>(rng() % 20'000);
      clock.setMs(clock.nowMs() + step);
      engine.fireDueFutures();
      compareAll("clock step of " + std::to_string(step) + " ms in round " + std::to_string(round));
    }
    if (HasFatalFailure())
      return;
  }
  EXPECT_GT(sink.diffs.size(), 300u);
  EXPECT_EQ(compared, 600 * std::size(kQueries));
}

}  // namespace
}  // namespace livedash::engine
