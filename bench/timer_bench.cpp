// bench/timer_bench.cpp
//
// Timers (docs/performance.md): 1M orders in `processing`, each with a pending
// drasi.trueFor(…, 10 minutes) timer, as the seed's stuck-orders query holds them. Measured:
//  - bytes per pending timer (heap growth, mallinfo2, against the same orders with no query);
//  - fire rate: the clock sweeps past every deadline in 1 s steps, each step one transaction;
//  - the naive alternative in the same run: polling, re-running the query over all orders at
//    every tick, and the ratio of its per-tick cost to the incremental per-tick cost;
//  - the cost of a change that re-arms a timer (processing → packing → processing), next to the
//    same changes on the same query without trueFor.
//
// Environment: LIVEDASH_BENCH_ORDERS (default 1000000).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <malloc.h>

#include "core/change.hpp"
#include "core/clock.hpp"
#include "engine/continuous_query.hpp"
#include "engine/engine.hpp"

namespace livedash::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kBaseMs = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr int kBatch = 1000;                    // orders per loading transaction
constexpr int64_t kBatchSpacingMs = 600;        // commit times of consecutive loading batches
constexpr int64_t kThresholdMs = 10 * 60'000;

constexpr const char* kStuckQuery =
    "MATCH (o:orders) WHERE drasi.trueFor(o.status = 'processing', duration({minutes: 10})) "
    "RETURN o.id AS orderId, o.status AS status";
constexpr const char* kPlainQuery =
    "MATCH (o:orders) WHERE o.status = 'processing' AND o.id < 0 "
    "RETURN o.id AS orderId, o.status AS status";

int orderCount() {
  const char* env = std::getenv("LIVEDASH_BENCH_ORDERS");
  return env ? std::atoi(env) : 1'000'000;
}

size_t heapBytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// CPU time of this thread: on a shared machine, wall time overstates what the work costs.
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

core::Change order(core::ChangeOp op, int id, const char* status) {
  core::Element e;
  e.id = "orders:" + std::to_string(id);
  e.labels = {"orders"};
  e.properties = {{"id", core::Value(id)},
                  {"status", core::Value(status)},
                  {"customer_name", core::Value("customer " + std::to_string(id % 10'000))},
                  {"total", core::Value(static_cast<double>(id % 50'000) / 100.0)}};
  return core::makeChange(op, std::move(e));
}

struct CountingSink : engine::DiffSink {
  size_t added = 0;
  size_t diffs = 0;
  void onDiff(const engine::QueryDiff& d) override {
    added += d.added.size();
    ++diffs;
  }
};

//! An engine holding the orders, with `query` (or none) added before they arrive, so every
//! order's timer starts at its own batch's commit time.
struct LoadedEngine {
  core::FakeClock clock{kBaseMs};
  engine::Engine engine{clock};
  CountingSink sink;
  size_t heap_growth = 0;

  explicit LoadedEngine(const char* query) {
    engine.setDiffSink(&sink);
    size_t before = heapBytes();
    if (query)
      engine.addQuery({"q", query, {}});
    int n = orderCount();
    for (int first = 1, b = 0; first <= n; first += kBatch, ++b) {
      core::ChangeBatch batch;
      batch.source_id = "db";
      batch.commit_time_ms = kBaseMs + b * kBatchSpacingMs;
      clock.setMs(batch.commit_time_ms);
      for (int id = first; id < first + kBatch && id <= n; ++id)
        batch.changes.push_back(order(core::ChangeOp::Insert, id, "processing"));
      engine.apply(batch);
    }
    heap_growth = heapBytes() - before;
  }
  int64_t lastCommitMs() const { return kBaseMs + (orderCount() - 1) / kBatch * kBatchSpacingMs; }
};

void printMemory() {
  static bool printed = false;
  if (printed)
    return;
  printed = true;
  size_t without = LoadedEngine(nullptr).heap_growth;
  LoadedEngine with(kStuckQuery);
  int n = orderCount();
  std::printf(
      "memory: %d orders %.1f MB; with the stuck-orders query and %zu pending timers %.1f MB; "
      "%.0f bytes per pending timer (marker, queue entry, solution key; allocator overhead "
      "included)\n",
      n, static_cast<double>(without) / 1e6, with.engine.pendingFutures(),
      static_cast<double>(with.heap_growth) / 1e6,
      static_cast<double>(with.heap_growth - without) / static_cast<double>(n));
}

// Sweeps the clock past every deadline, 1 s per step, and times only the firing.
void BM_TimerFireSweep(benchmark::State& state) {
  printMemory();
  for (auto _ : state) {
    state.PauseTiming();
    auto loaded = std::make_unique<LoadedEngine>(kStuckQuery);
    size_t pending = loaded->engine.pendingFutures();
    int64_t end = loaded->lastCommitMs() + kThresholdMs;
    state.ResumeTiming();
    auto start = Clock::now();
    double cpu_start = threadCpuSeconds();
    size_t steps = 0;
    for (int64_t t = kBaseMs + kThresholdMs; t <= end + 1000; t += 1000, ++steps) {
      loaded->clock.setMs(t);
      loaded->engine.fireDueFutures();
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    double cpu_seconds = threadCpuSeconds() - cpu_start;
    state.PauseTiming();
    if (loaded->sink.added != pending || loaded->engine.pendingFutures() != 0)
      state.SkipWithError("not every timer fired exactly once");
    state.counters["timers"] = static_cast<double>(pending);
    state.counters["fires_per_s"] = static_cast<double>(pending) / seconds;
    state.counters["fires_per_cpu_s"] = static_cast<double>(pending) / cpu_seconds;
    state.counters["us_per_tick"] = seconds * 1e6 / static_cast<double>(steps);
    double tick_cpu_us = cpu_seconds * 1e6 / static_cast<double>(steps);
    std::printf(
        "incremental: %zu timers fired in %zu one-second ticks, %.0f fires/s (%.0f per CPU "
        "second), %.1f us CPU per tick (load %s)\n",
        pending, steps, static_cast<double>(pending) / seconds,
        static_cast<double>(pending) / cpu_seconds, tick_cpu_us, loadAverage().c_str());
    // Polling, as the seeds do without livedash: every tick re-runs the query over all orders.
    // A few ticks are enough to know its cost per tick.
    constexpr int kPolls = 3;
    double poll_cpu_start = threadCpuSeconds();
    for (int i = 0; i < kPolls; ++i) {
      engine::ContinuousQuery scratch({"scratch", kStuckQuery, {}});
      scratch.bootstrap(loaded->engine.elements(), end);
      benchmark::DoNotOptimize(scratch.snapshot().rows.size());
    }
    double poll_us = (threadCpuSeconds() - poll_cpu_start) * 1e6 / kPolls;
    state.counters["naive_us_per_tick"] = poll_us;
    std::printf(
        "naive polling: %.0f us CPU per tick (re-running the query over %d orders); %.0fx "
        "the incremental tick\n",
        poll_us, orderCount(), poll_us / tick_cpu_us);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_TimerFireSweep)
    ->Name("timers/fire_sweep")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// One transaction per change, with every other order's timer pending.
void rearmChanges(benchmark::State& state, const char* query) {
  static std::unique_ptr<LoadedEngine> loaded;
  static const char* loaded_query = nullptr;
  if (!loaded || loaded_query != query) {
    loaded.reset();
    loaded = std::make_unique<LoadedEngine>(query);
    loaded_query = query;
  }
  int n = orderCount();
  int64_t i = 0;
  int64_t now = loaded->lastCommitMs() + 1;  // before any deadline: every timer is pending
  for (auto _ : state) {
    // Even changes take an order out of processing, odd ones bring it back: half the changes
    // cancel a timer and half arm a new one, and nearly every order keeps a pending timer.
    int id = 1 + static_cast<int>((i / 2 * 7919) % n);
    bool leaving = i % 2 == 0;
    core::ChangeBatch batch;
    batch.source_id = "db";
    batch.commit_time_ms = now;
    batch.changes.push_back(order(core::ChangeOp::Update, id, leaving ? "packing" : "processing"));
    loaded->engine.apply(batch);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending_timers"] = static_cast<double>(loaded->engine.pendingFutures());
}

void BM_RearmWithTimers(benchmark::State& state) {
  rearmChanges(state, kStuckQuery);
}
void BM_SameChangesNoTimers(benchmark::State& state) {
  rearmChanges(state, kPlainQuery);
}
BENCHMARK(BM_RearmWithTimers)->Name("timers/rearm_change");
BENCHMARK(BM_SameChangesNoTimers)->Name("timers/same_change_without_trueFor");

}  // namespace
}  // namespace livedash::bench

BENCHMARK_MAIN();
