// bench/engine_bench.cpp
//
// Engine benchmarks (docs/performance.md). 1M orders and 1M payments are loaded through
// Engine::apply in big batches; then streams of single-change transactions (mostly status updates
// that move rows between groups, some inserts and deletes) are timed per query, each query alone
// in the engine, and all four together. Side by side, in the same run over the same data:
//  - from scratch: the change is applied to the element store, then the query is built and
//    bootstrapped over the whole store, as re-running it would;
//  - PostgreSQL 15: the change is applied with one SQL statement, then the equivalent SQL query
//    is re-run (only the query is timed; the write is reported as write_us).
// Memory: heap bytes (mallinfo2) retained by the element store and by each query.
//
// Environment: LIVEDASH_BENCH_ORDERS (default 1000000) sets the number of orders and of payments.
// LIVEDASH_BENCH_NO_PG=1 skips the PostgreSQL baseline; LIVEDASH_BENCH_EXPLAIN=1 prints its plans.
// LIVEDASH_BENCH_BATCHES=1 adds livedash_batch/<query>/<n>: transactions of 5 and 100 changes.
#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include "core/change.hpp"
#include "core/clock.hpp"
#include "core/value.hpp"
#include "engine/continuous_query.hpp"
#include "engine/engine.hpp"
#include "engine/query_diff.hpp"

#ifdef LIVEDASH_BENCH_HAVE_PG
#include <libpq-fe.h>

#include "support/postgres_cluster.hpp"
#endif

namespace livedash::bench {
namespace {

using core::ChangeOp;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Data

constexpr int64_t kBaseMs = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr int64_t kOrderSpacingMs = 30'000;     // orders are created every 30 s, in id order
constexpr int kCustomers = 10'000;              // 100 first names x 100 last names

constexpr std::array<const char*, 5> kOrderStatuses = {"pending", "processing", "packing",
                                                       "shipped", "delivered"};
// Payment statuses: pending and failed are the "issues" the join query shows.
constexpr int kPaymentPending = 0;
constexpr int kPaymentFailed = 1;
constexpr int kPaymentCompleted = 2;
constexpr std::array<const char*, 3> kPaymentStatuses = {"pending", "failed", "completed"};

constexpr std::array<const char*, 100> kFirstNames = {
    "Alice",   "Bob",      "Carol",   "David",   "Eve",      "Frank",    "Grace",   "Henry",
    "Isabel",  "Jack",     "Karen",   "Liam",    "Maria",    "Noah",     "Olivia",  "Paul",
    "Quinn",   "Rachel",   "Samuel",  "Tara",    "Umar",     "Valerie",  "Walter",  "Xenia",
    "Yusuf",   "Zoe",      "Aaron",   "Beatriz", "Charles",  "Diana",    "Edward",  "Fatima",
    "George",  "Hannah",   "Ibrahim", "Julia",   "Kevin",    "Laura",    "Michael", "Nadia",
    "Oscar",   "Priya",    "Robert",  "Sofia",   "Thomas",   "Ursula",   "Victor",  "Wendy",
    "Xavier",  "Yasmin",   "Zachary", "Amelia",  "Benjamin", "Chloe",    "Daniel",  "Emma",
    "Felix",   "Gabriela", "Hugo",    "Ingrid",  "James",    "Katarina", "Lucas",   "Mia",
    "Nathan",  "Ophelia",  "Peter",   "Rosa",    "Stefan",   "Theresa",  "Ulrich",  "Vera",
    "William", "Ximena",   "Yannick", "Zainab",  "Anders",   "Bianca",   "Cedric",  "Dolores",
    "Emil",    "Freya",    "Gustavo", "Helena",  "Ivan",     "Jasmine",  "Kai",     "Leonie",
    "Marcus",  "Nora",     "Omar",    "Paula",   "Rafael",   "Selin",    "Tobias",  "Uma",
    "Vincent", "Willa",    "Yuki",    "Zora"};
constexpr std::array<const char*, 100> kLastNames = {
    "Johnson", "Smith",     "Williams",  "Brown",     "Davis",      "Miller",     "Wilson",
    "Moore",   "Taylor",    "Anderson",  "Thomas",    "Jackson",    "White",      "Harris",
    "Martin",  "Thompson",  "Garcia",    "Martinez",  "Robinson",   "Clark",      "Rodriguez",
    "Lewis",   "Lee",       "Walker",    "Hall",      "Allen",      "Young",      "Hernandez",
    "King",    "Wright",    "Lopez",     "Hill",      "Scott",      "Green",      "Adams",
    "Baker",   "Gonzalez",  "Nelson",    "Carter",    "Mitchell",   "Perez",      "Roberts",
    "Turner",  "Phillips",  "Campbell",  "Parker",    "Evans",      "Edwards",    "Collins",
    "Stewart", "Sanchez",   "Morris",    "Rogers",    "Reed",       "Cook",       "Morgan",
    "Bell",    "Murphy",    "Bailey",    "Rivera",    "Cooper",     "Richardson", "Cox",
    "Howard",  "Ward",      "Torres",    "Peterson",  "Gray",       "Ramirez",    "James",
    "Watson",  "Brooks",    "Kelly",     "Sanders",   "Price",      "Bennett",    "Wood",
    "Barnes",  "Ross",      "Henderson", "Coleman",   "Jenkins",    "Perry",      "Powell",
    "Long",    "Patterson", "Hughes",    "Flores",    "Washington", "Butler",     "Simmons",
    "Foster",  "Gonzales",  "Bryant",    "Alexander", "Russell",    "Griffin",    "Diaz",
    "Hayes",   "Nakamura"};

std::string customerName(int customer) {
  return std::string(kFirstNames[static_cast<size_t>(customer % 100)]) + " " +
         kLastNames[static_cast<size_t>(customer / 100 % 100)];
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return splitmix64(state_);
  }
  //! Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

struct OrderRow {
  int64_t total_cents = 0;
  int32_t customer = 0;
  uint8_t status = 0;
  uint16_t payments = 0;  //!< live payments of this order (workload bookkeeping, not a column)
};

struct PaymentRow {
  int64_t order_id = 0;
  int64_t amount_cents = 0;
  uint8_t status = 0;
};

int64_t orderCreatedMs(int64_t id) {
  return kBaseMs + id * kOrderSpacingMs;
}

//! The initial orders and payments are pure functions of their id, so the engine and PostgreSQL
//! load exactly the same rows without storing them twice. Payment `i` belongs to order `i`.
OrderRow initialOrder(int64_t id) {
  uint64_t h = splitmix64(static_cast<uint64_t>(id) * 2 + 1);
  OrderRow r;
  r.customer = static_cast<int32_t>(h % kCustomers);
  r.status = static_cast<uint8_t>((h >> 20) % kOrderStatuses.size());
  r.total_cents = 500 + static_cast<int64_t>((h >> 32) % 49'500);
  return r;
}

uint8_t paymentStatusFrom(uint64_t h) {
  uint64_t p = h % 100;  // 85% completed, 10% pending, 5% failed
  return static_cast<uint8_t>(p < 85   ? kPaymentCompleted
                              : p < 95 ? kPaymentPending
                                       : kPaymentFailed);
}

PaymentRow initialPayment(int64_t id) {
  PaymentRow r;
  r.order_id = id;
  r.amount_cents = initialOrder(id).total_cents;
  r.status = paymentStatusFrom(splitmix64(static_cast<uint64_t>(id) * 2) >> 8);
  return r;
}

double money(int64_t cents) {
  return static_cast<double>(cents) / 100.0;
}

core::Map orderProperties(int64_t id, const OrderRow& r) {
  return {{"id", core::Value(id)},
          {"customer_name", core::Value(customerName(r.customer))},
          {"status", core::Value(kOrderStatuses[r.status])},
          {"total", core::Value(money(r.total_cents))},
          {"created_at", core::Value(core::DateTime{orderCreatedMs(id)})}};
}

core::Map paymentProperties(int64_t id, const PaymentRow& r) {
  return {{"id", core::Value(id)},
          {"order_id", core::Value(r.order_id)},
          {"status", core::Value(kPaymentStatuses[r.status])},
          {"amount", core::Value(money(r.amount_cents))}};
}

//! A set of ids with O(1) insert, erase and uniform random pick.
class IdSet {
 public:
  void insert(int64_t id) {
    if (static_cast<size_t>(id) >= pos_.size())
      pos_.resize(static_cast<size_t>(id) * 2 + 16, -1);
    pos_[static_cast<size_t>(id)] = static_cast<int64_t>(items_.size());
    items_.push_back(id);
  }
  void erase(int64_t id) {
    int64_t p = pos_[static_cast<size_t>(id)];
    int64_t last = items_.back();
    items_[static_cast<size_t>(p)] = last;
    pos_[static_cast<size_t>(last)] = p;
    items_.pop_back();
    pos_[static_cast<size_t>(id)] = -1;
  }
  bool contains(int64_t id) const {
    return static_cast<size_t>(id) < pos_.size() && pos_[static_cast<size_t>(id)] >= 0;
  }
  int64_t pick(Rng& rng) const { return items_[rng.below(items_.size())]; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<int64_t> items_;
  std::vector<int64_t> pos_;
};

// ---------------------------------------------------------------------------------------------
// Change streams

enum OpKind {
  kOrderUpdate,
  kOrderInsert,
  kOrderDelete,
  kPaymentUpdate,
  kPaymentInsert,
  kPaymentDelete,
  kOpKinds
};

//! Relative weights of each kind of change in a stream.
using Mix = std::array<int, kOpKinds>;
//! Orders only: status moves, new orders, cancelled (deleted) orders. Payments do not change.
constexpr Mix kOrdersMix = {90, 5, 5, 0, 0, 0};
//! Orders and payments (payments move in and out of pending/failed).
constexpr Mix kJoinMix = {40, 5, 5, 40, 5, 5};
constexpr Mix kUpdateOnlyMix = {1, 0, 0, 0, 0, 0};

//! One row change, with the row before and after, as both the engine and SQL need it.
struct Op {
  OpKind kind = kOrderUpdate;
  int64_t id = 0;
  OrderRow order_before, order_after;
  PaymentRow payment_before, payment_after;
};

//! The evolving state of the two tables and a deterministic generator of realistic changes.
class Workload {
 public:
  explicit Workload(int64_t rows) : next_order_id_(rows + 1), next_payment_id_(rows + 1) {
    orders_.resize(static_cast<size_t>(rows) + 1);
    payments_.resize(static_cast<size_t>(rows) + 1);
    for (int64_t id = 1; id <= rows; ++id) {
      orders_[static_cast<size_t>(id)] = initialOrder(id);
      orders_[static_cast<size_t>(id)].payments = 1;
      live_orders_.insert(id);
      PaymentRow p = initialPayment(id);
      payments_[static_cast<size_t>(id)] = p;
      (p.status == kPaymentCompleted ? completed_ : issues_).insert(id);
    }
  }

  Op next(const Mix& mix) {
    int total = 0;
    for (int w : mix)
      total += w;
    auto r = static_cast<int>(rng_.below(static_cast<uint64_t>(total)));
    int kind = 0;
    while (r >= mix[static_cast<size_t>(kind)])
      r -= mix[static_cast<size_t>(kind++)];
    Op op;
    op.kind = static_cast<OpKind>(kind);
    if (live_orders_.size() < 2 && (op.kind == kOrderDelete || op.kind == kOrderUpdate)) {
      op.kind = kOrderInsert;
    }
    if (live_orders_.empty() && op.kind == kPaymentInsert)
      op.kind = kOrderInsert;
    if (issues_.size() + completed_.size() < 2 &&
        (op.kind == kPaymentDelete || op.kind == kPaymentUpdate)) {
      op.kind = kOrderInsert;
    }
    switch (op.kind) {
      case kOrderUpdate: {
        op.id = live_orders_.pick(rng_);
        OrderRow& row = order(op.id);
        op.order_before = row;
        // Move to a different status: every update moves the order between groups.
        row.status = static_cast<uint8_t>((row.status + 1 + rng_.below(kOrderStatuses.size() - 1)) %
                                          kOrderStatuses.size());
        op.order_after = row;
        break;
      }
      case kOrderInsert: {
        op.id = next_order_id_++;
        if (static_cast<size_t>(op.id) >= orders_.size())
          orders_.resize(orders_.size() * 2);
        OrderRow& row = order(op.id);
        row = OrderRow{};
        row.customer = static_cast<int32_t>(rng_.below(kCustomers));
        row.status = 0;  // pending
        row.total_cents = 500 + static_cast<int64_t>(rng_.below(49'500));
        op.order_after = row;
        live_orders_.insert(op.id);
        deletable_orders_.insert(op.id);
        break;
      }
      case kOrderDelete: {
        // Cancelled orders are deleted; an order with payments never is (the foreign key), so
        // this deletes an order the stream inserted. If there is none, it updates instead.
        if (deletable_orders_.empty())
          return next(kUpdateOnlyMix);
        op.id = deletable_orders_.pick(rng_);
        op.order_before = order(op.id);
        deletable_orders_.erase(op.id);
        live_orders_.erase(op.id);
        break;
      }
      case kPaymentUpdate: {
        // Half resolve an issue, half raise one, so the issue count stays stable.
        bool resolve = !issues_.empty() && (completed_.empty() || rng_.below(2) == 0);
        op.id = (resolve ? issues_ : completed_).pick(rng_);
        PaymentRow& row = payment(op.id);
        op.payment_before = row;
        (resolve ? issues_ : completed_).erase(op.id);
        if (resolve) {
          row.status = kPaymentCompleted;
          completed_.insert(op.id);
        } else {
          row.status = static_cast<uint8_t>(rng_.below(3) == 0 ? kPaymentFailed : kPaymentPending);
          issues_.insert(op.id);
        }
        op.payment_after = row;
        break;
      }
      case kPaymentInsert: {
        op.id = next_payment_id_++;
        if (static_cast<size_t>(op.id) >= payments_.size()) {
          payments_.resize(payments_.size() * 2);
        }
        PaymentRow& row = payment(op.id);
        row.order_id = live_orders_.pick(rng_);
        if (order(row.order_id).payments++ == 0)
          deletable_orders_.erase(row.order_id);
        row.amount_cents = order(row.order_id).total_cents;
        row.status = paymentStatusFrom(rng_.next());
        op.payment_after = row;
        (row.status == kPaymentCompleted ? completed_ : issues_).insert(op.id);
        break;
      }
      case kPaymentDelete: {
        uint64_t r2 = rng_.below(issues_.size() + completed_.size());
        IdSet& set = r2 < issues_.size() ? issues_ : completed_;
        op.id = set.pick(rng_);
        op.payment_before = payment(op.id);
        if (--order(op.payment_before.order_id).payments == 0) {
          deletable_orders_.insert(op.payment_before.order_id);
        }
        set.erase(op.id);
        break;
      }
      case kOpKinds:
        break;
    }
    return op;
  }

  size_t liveOrders() const { return live_orders_.size(); }
  size_t livePayments() const { return issues_.size() + completed_.size(); }
  size_t paymentIssues() const { return issues_.size(); }

 private:
  OrderRow& order(int64_t id) { return orders_[static_cast<size_t>(id)]; }
  PaymentRow& payment(int64_t id) { return payments_[static_cast<size_t>(id)]; }

  Rng rng_{42};
  std::vector<OrderRow> orders_;
  std::vector<PaymentRow> payments_;
  IdSet live_orders_;
  IdSet deletable_orders_;  // live orders without payments
  IdSet issues_;            // live payments that are pending or failed
  IdSet completed_;         // live payments that are completed
  int64_t next_order_id_;
  int64_t next_payment_id_;
};

core::Change toChange(const Op& op) {
  core::Change c;
  bool is_order = op.kind <= kOrderDelete;
  c.element.id = (is_order ? "orders:" : "payments:") + std::to_string(op.id);
  c.element.labels = {is_order ? "orders" : "payments"};
  auto before = [&] {
    return is_order ? orderProperties(op.id, op.order_before)
                    : paymentProperties(op.id, op.payment_before);
  };
  auto after = [&] {
    return is_order ? orderProperties(op.id, op.order_after)
                    : paymentProperties(op.id, op.payment_after);
  };
  switch (op.kind) {
    case kOrderInsert:
    case kPaymentInsert:
      c.op = ChangeOp::Insert;
      c.element.properties = after();
      break;
    case kOrderUpdate:
    case kPaymentUpdate:
      // What a table source sends: the whole new row, and the row before.
      c.op = ChangeOp::Update;
      c.element.properties = after();
      c.before = before();
      break;
    default:
      c.op = ChangeOp::Delete;
      c.element.properties = before();
      c.before = c.element.properties;
      break;
  }
  return c;
}

int64_t g_commit_ms = kBaseMs + 400LL * 86'400'000;

core::ChangeBatch singleChangeBatch(core::Change change) {
  core::ChangeBatch b;
  b.source_id = "db";
  b.commit_time_ms = ++g_commit_ms;
  b.changes.push_back(std::move(change));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Queries

struct QuerySpec {
  const char* name;
  const char* cypher;
  bool join;
  const char* sql;
  const Mix* mix;
};

const std::vector<engine::JoinSpec> kForOrder = {
    {"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}};

const std::array<QuerySpec, 4> kQueries = {{
    {"order_stats",
     "MATCH (o:orders) WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS "
     "totalValue RETURN status, orderCount, totalValue",
     false,
     "SELECT status, count(*) AS order_count, sum(total) AS total_value FROM orders GROUP BY "
     "status",
     &kOrdersMix},
    {"payment_issues",
     "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) WHERE p.status IN ['pending','failed'] "
     "RETURN o.id AS orderId, o.customer_name AS customerName, p.status AS paymentStatus, "
     "p.amount AS amount",
     true,
     "SELECT o.id, o.customer_name, p.status, p.amount FROM payments p JOIN orders o ON o.id = "
     "p.order_id WHERE p.status IN ('pending', 'failed')",
     &kJoinMix},
    {"recent_orders",
     "MATCH (o:orders) RETURN o.id AS orderId, o.customer_name AS customerName, o.status AS "
     "status, o.total AS total, o.created_at AS createdAt ORDER BY o.created_at DESC LIMIT 10",
     false,
     "SELECT id, customer_name, status, total, created_at FROM orders ORDER BY created_at DESC "
     "LIMIT 10",
     &kOrdersMix},
    {"distinct_customers",
     "MATCH (o:orders) RETURN o.status AS status, count(DISTINCT o.customer_name) AS customers",
     false, "SELECT status, count(DISTINCT customer_name) AS customers FROM orders GROUP BY status",
     &kOrdersMix},
}};

engine::QueryDefinition definitionOf(const QuerySpec& q) {
  engine::QueryDefinition d;
  d.id = q.name;
  d.text = q.cypher;
  if (q.join)
    d.joins = kForOrder;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

//! Live and peak bytes allocated through operator new while counting is on (the replaced global
//! operator new below); off during timed loops, where it would only add a branch.
struct AllocationCounter {
  bool on = false;
  int64_t live = 0;
  int64_t peak = 0;
  void start() {
    live = 0;
    peak = 0;
    on = true;
  }
};
AllocationCounter g_allocations;

size_t heapBytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  in >> one >> five >> fifteen;
  char buf[64];
  std::snprintf(buf, sizeof buf, "load %.2f %.2f %.2f", one, five, fifteen);
  return buf;
}

int64_t envInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

int64_t rowCount() {
  static const int64_t rows = std::max<int64_t>(1000, envInt("LIVEDASH_BENCH_ORDERS", 1'000'000));
  return rows;
}

struct MemoryFigure {
  size_t heap_bytes = 0;  // heap growth (mallinfo2), allocator overhead included
  // Through operator new (usable sizes, no allocator overhead), relative to before the query:
  size_t live_bytes = 0;  // still allocated when the bootstrap is over
  size_t peak_bytes = 0;  // highest during the bootstrap
  size_t rows = 0;        // rows the query's MATCH reads
  double bootstrap_s = 0;
};

struct Results {
  std::map<std::string, double> rate;  // name -> items/s
  std::map<std::string, double> write_us;
  std::map<std::string, MemoryFigure> memory;
  size_t store_heap_bytes = 0;
  size_t store_elements = 0;
  double load_s = 0;
  std::string load_at_start;
  std::string pg_notice;
  size_t pg_bytes = 0;  // PostgreSQL's tables and indexes, after loading
};
Results g_results;

// ---------------------------------------------------------------------------------------------
// The loaded engine, shared by every engine benchmark (loading takes seconds).

struct CountingSink : engine::DiffSink {
  uint64_t diffs = 0;
  uint64_t rows = 0;
  void onDiff(const engine::QueryDiff& d) override {
    ++diffs;
    rows += d.added.size() + d.updated.size() + d.deleted.size();
  }
};

class World {
 public:
  World() : workload_(rowCount()) {
    engine_.setDiffSink(&sink_);
    size_t heap_before = heapBytes();
    auto start = Clock::now();
    const int64_t rows = rowCount();
    constexpr int64_t kBatch = 20'000;
    for (int table = 0; table < 2; ++table) {
      for (int64_t first = 1; first <= rows; first += kBatch) {
        core::ChangeBatch batch;
        batch.source_id = "db";
        batch.commit_time_ms = kBaseMs;
        batch.bootstrap = true;
        for (int64_t id = first; id < std::min(rows + 1, first + kBatch); ++id) {
          core::Change c;
          c.op = ChangeOp::Insert;
          if (table == 0) {
            c.element.id = "orders:" + std::to_string(id);
            c.element.labels = {"orders"};
            c.element.properties = orderProperties(id, initialOrder(id));
          } else {
            c.element.id = "payments:" + std::to_string(id);
            c.element.labels = {"payments"};
            c.element.properties = paymentProperties(id, initialPayment(id));
          }
          batch.changes.push_back(std::move(c));
        }
        engine_.apply(batch);
      }
    }
    g_results.load_s = std::chrono::duration<double>(Clock::now() - start).count();
    g_results.store_heap_bytes = heapBytes() - heap_before;
    g_results.store_elements = engine_.elements().size();
  }

  engine::Engine& engine() { return engine_; }
  Workload& workload() { return workload_; }
  CountingSink& sink() { return sink_; }

  //! Makes exactly `wanted` (indexes into kQueries) the engine's queries. A query added while it
  //! is alone in the engine has its memory recorded.
  void useQueries(const std::vector<size_t>& wanted) {
    for (size_t i = 0; i < kQueries.size(); ++i) {
      bool want = std::find(wanted.begin(), wanted.end(), i) != wanted.end();
      if (!want && engine_.findQuery(kQueries[i].name))
        engine_.removeQuery(kQueries[i].name);
    }
    for (size_t i : wanted) {
      if (engine_.findQuery(kQueries[i].name))
        continue;
      bool alone = engine_.queryIds().empty();
      malloc_trim(0);
      size_t heap_before = heapBytes();
      g_allocations.start();
      auto start = Clock::now();
      engine_.addQuery(definitionOf(kQueries[i]));
      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      g_allocations.on = false;
      size_t heap_after = heapBytes();
      if (alone && !g_results.memory.count(kQueries[i].name)) {
        MemoryFigure m;
        m.heap_bytes = heap_after > heap_before ? heap_after - heap_before : 0;
        m.live_bytes = static_cast<size_t>(std::max<int64_t>(0, g_allocations.live));
        m.peak_bytes = static_cast<size_t>(std::max<int64_t>(0, g_allocations.peak));
        m.rows = kQueries[i].join ? workload_.livePayments() : workload_.liveOrders();
        m.bootstrap_s = seconds;
        g_results.memory[kQueries[i].name] = m;
      }
    }
  }

 private:
  core::FakeClock clock_{kBaseMs + 400LL * 86'400'000};
  engine::Engine engine_{clock_};
  CountingSink sink_;
  Workload workload_;
};

World& world() {
  // Never destroyed: freeing millions of elements at exit would only add seconds to the run.
  static World* w = new World;
  return *w;
}

//! Each result line carries the load average at its end: the machine is shared.
void labelWithLoad(benchmark::State& state) {
  state.SetLabel(loadAverage());
}

// ---------------------------------------------------------------------------------------------
// livedash: one transaction per change (livedash_batch/: several per transaction), incremental.

void BM_Livedash(benchmark::State& state, std::vector<size_t> queries, const Mix* mix,
                 size_t changes_per_transaction) {
  World& w = world();
  w.useQueries(queries);
  // About 4096 changes are built per chunk, whatever the batch size.
  const size_t kChunk = std::max<size_t>(1, 4096 / changes_per_transaction);
  std::vector<core::ChangeBatch> chunk;
  size_t next = 0;
  uint64_t diffs_before = w.sink().diffs;
  uint64_t rows_before = w.sink().rows;
  benchmark::IterationCount generated = 0;
  for (auto _ : state) {
    if (next == chunk.size()) {
      // Building the changes (what a source does) is not timed; applying them is. No more are
      // built than the run will apply, so the workload and the engine stay in step.
      state.PauseTiming();
      chunk.clear();
      auto count = std::min<benchmark::IterationCount>(kChunk, state.max_iterations - generated);
      for (benchmark::IterationCount i = 0; i < std::max<benchmark::IterationCount>(1, count);
           ++i) {
        core::ChangeBatch batch = singleChangeBatch(toChange(w.workload().next(*mix)));
        for (size_t c = 1; c < changes_per_transaction; ++c)
          batch.changes.push_back(toChange(w.workload().next(*mix)));
        chunk.push_back(std::move(batch));
      }
      generated += static_cast<benchmark::IterationCount>(chunk.size());
      next = 0;
      state.ResumeTiming();
    }
    w.engine().apply(chunk[next++]);
  }
  // Should the run stop early, the workload already counted the rest as done: apply it, untimed.
  while (next < chunk.size())
    w.engine().apply(chunk[next++]);
  auto changes = static_cast<double>(state.iterations() * changes_per_transaction);
  state.SetItemsProcessed(state.iterations() *
                          static_cast<benchmark::IterationCount>(changes_per_transaction));
  state.counters["diffs_per_change"] =
      static_cast<double>(w.sink().diffs - diffs_before) / std::max(1.0, changes);
  state.counters["rows_per_change"] =
      static_cast<double>(w.sink().rows - rows_before) / std::max(1.0, changes);
  labelWithLoad(state);
}

// livedash_backlog: the same single-change transactions, handed to the engine as a backlog of
// 1,024 (Engine::apply over a span), as the engine thread does when transactions queue up while
// it works. Each still gets its own diffs; the engine overlaps the cache misses of the next few.

void BM_LivedashBacklog(benchmark::State& state, size_t query) {
  World& w = world();
  w.useQueries({query});
  constexpr size_t kBacklog = 1024;
  std::vector<core::ChangeBatch> backlog;
  uint64_t diffs_before = w.sink().diffs;
  for (auto _ : state) {
    state.PauseTiming();
    backlog.clear();
    for (size_t i = 0; i < kBacklog; ++i)
      backlog.push_back(singleChangeBatch(toChange(w.workload().next(*kQueries[query].mix))));
    state.ResumeTiming();
    w.engine().apply(std::span<const core::ChangeBatch>(backlog));
  }
  auto changes = static_cast<double>(state.iterations()) * kBacklog;
  state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(kBacklog));
  state.counters["diffs_per_change"] =
      static_cast<double>(w.sink().diffs - diffs_before) / std::max(1.0, changes);
  labelWithLoad(state);
}

// ---------------------------------------------------------------------------------------------
// Naive (a): re-run the query from scratch after each change.

void BM_FromScratch(benchmark::State& state, size_t query) {
  World& w = world();
  w.useQueries({});
  const QuerySpec& q = kQueries[query];
  size_t rows = 0;
  double build_s = 0;
  for (auto _ : state) {
    state.PauseTiming();
    core::ChangeBatch batch = singleChangeBatch(toChange(w.workload().next(*q.mix)));
    state.ResumeTiming();
    w.engine().apply(batch);  // no queries: only the element store changes
    auto start = Clock::now();
    auto cq = std::make_unique<engine::ContinuousQuery>(definitionOf(q));
    cq->bootstrap(w.engine().elements(), g_commit_ms);
    engine::QuerySnapshot snapshot = cq->snapshot();
    build_s += std::chrono::duration<double>(Clock::now() - start).count();
    rows = snapshot.rows.size();
    benchmark::DoNotOptimize(snapshot.rows.data());
    cq.reset();  // freeing the query's state is part of a re-run, and timed
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["result_rows"] = static_cast<double>(rows);
  // Wall time of build + bootstrap + snapshot alone, without freeing the state afterwards.
  state.counters["build_ms"] =
      benchmark::Counter(build_s * 1e3, benchmark::Counter::kAvgIterations);
  labelWithLoad(state);
}

// ---------------------------------------------------------------------------------------------
// Naive (b): PostgreSQL 15 re-running the SQL after each change.

#ifdef LIVEDASH_BENCH_HAVE_PG

std::string sqlMoney(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
  return buf;
}

std::string sqlTimestamp(int64_t ms) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string orderCopyLine(int64_t id, const OrderRow& r) {
  return std::to_string(id) + '\t' + customerName(r.customer) + '\t' + kOrderStatuses[r.status] +
         '\t' + sqlMoney(r.total_cents) + '\t' + sqlTimestamp(orderCreatedMs(id)) + '\n';
}

std::string paymentCopyLine(int64_t id, const PaymentRow& r) {
  return std::to_string(id) + '\t' + std::to_string(r.order_id) + '\t' +
         kPaymentStatuses[r.status] + '\t' + sqlMoney(r.amount_cents) + '\n';
}

std::string toSql(const Op& op) {
  std::string id = std::to_string(op.id);
  switch (op.kind) {
    case kOrderUpdate:
      return std::string("UPDATE orders SET status = '") + kOrderStatuses[op.order_after.status] +
             "' WHERE id = " + id;
    case kOrderInsert:
      return "INSERT INTO orders VALUES (" + id + ", '" + customerName(op.order_after.customer) +
             "', 'pending', " + sqlMoney(op.order_after.total_cents) + ", '" +
             sqlTimestamp(orderCreatedMs(op.id)) + "')";
    case kOrderDelete:
      return "DELETE FROM orders WHERE id = " + id;
    case kPaymentUpdate:
      return std::string("UPDATE payments SET status = '") +
             kPaymentStatuses[op.payment_after.status] + "' WHERE id = " + id;
    case kPaymentInsert:
      return "INSERT INTO payments VALUES (" + id + ", " +
             std::to_string(op.payment_after.order_id) + ", '" +
             kPaymentStatuses[op.payment_after.status] + "', " +
             sqlMoney(op.payment_after.amount_cents) + ")";
    case kPaymentDelete:
      return "DELETE FROM payments WHERE id = " + id;
    case kOpKinds:
      break;
  }
  return {};
}

class PgWorld {
 public:
  PgWorld() : workload_(rowCount()) {
    cluster_ = testing::PostgresCluster::start();
    conn_ = PQconnectdb(cluster_->connectionString().c_str());
    if (PQstatus(conn_) != CONNECTION_OK)
      throw std::runtime_error(PQerrorMessage(conn_));
    exec(
        "CREATE TABLE orders (id integer PRIMARY KEY, customer_name varchar(100) NOT NULL, "
        "status varchar(30) NOT NULL, total numeric(10,2) NOT NULL, created_at timestamp NOT "
        "NULL);"
        "CREATE TABLE payments (id integer PRIMARY KEY, order_id integer NOT NULL, status "
        "varchar(30) NOT NULL, amount numeric(10,2) NOT NULL)");
    const int64_t rows = rowCount();
    copy("COPY orders FROM STDIN", rows,
         [](int64_t id) { return orderCopyLine(id, initialOrder(id)); });
    copy("COPY payments FROM STDIN", rows,
         [](int64_t id) { return paymentCopyLine(id, initialPayment(id)); });
    // The indexes a DBA would add for these dashboards.
    exec("CREATE INDEX orders_status ON orders (status)");
    exec("CREATE INDEX orders_created_at ON orders (created_at)");
    exec("CREATE INDEX payments_order_id ON payments (order_id)");
    exec("CREATE INDEX payments_status ON payments (status)");
    exec("VACUUM ANALYZE");
    PGresult* size = PQexec(conn_,
                            "SELECT pg_total_relation_size('orders') + "
                            "pg_total_relation_size('payments')");
    if (PQresultStatus(size) == PGRES_TUPLES_OK && PQntuples(size) == 1) {
      g_results.pg_bytes = std::strtoull(PQgetvalue(size, 0, 0), nullptr, 10);
    }
    PQclear(size);
    if (envInt("LIVEDASH_BENCH_EXPLAIN", 0) != 0) {
      for (const QuerySpec& q : kQueries) {
        PGresult* r = PQexec(conn_, (std::string("EXPLAIN (COSTS OFF) ") + q.sql).c_str());
        std::fprintf(stderr, "EXPLAIN %s\n", q.name);
        for (int i = 0; i < PQntuples(r); ++i)
          std::fprintf(stderr, "  %s\n", PQgetvalue(r, i, 0));
        PQclear(r);
      }
    }
  }
  ~PgWorld() {
    if (conn_)
      PQfinish(conn_);
  }

  void exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    PQclear(r);
  }
  //! Runs a query and returns its row count (every row is transferred to the client).
  int queryRows(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    int n = PQntuples(r);
    PQclear(r);
    return n;
  }

  Workload& workload() { return workload_; }

 private:
  template <typename Line>
  void copy(const char* sql, int64_t rows, Line line) {
    PGresult* r = PQexec(conn_, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN)
      throw std::runtime_error(PQerrorMessage(conn_));
    PQclear(r);
    std::string buf;
    for (int64_t id = 1; id <= rows; ++id) {
      buf += line(id);
      if (buf.size() > (1 << 20) || id == rows) {
        if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) {
          throw std::runtime_error(PQerrorMessage(conn_));
        }
        buf.clear();
      }
    }
    if (PQputCopyEnd(conn_, nullptr) != 1)
      throw std::runtime_error(PQerrorMessage(conn_));
    while ((r = PQgetResult(conn_)) != nullptr) {
      bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      std::string message = PQresultErrorMessage(r);
      PQclear(r);
      if (!ok)
        throw std::runtime_error(std::string(sql) + ": " + message);
    }
  }

  std::unique_ptr<testing::PostgresCluster> cluster_;
  PGconn* conn_ = nullptr;
  Workload workload_;
};

//! The PostgreSQL world, or the reason there is none (printed once).
PgWorld* pgWorld(std::string& why_not) {
  static std::unique_ptr<PgWorld> pg;
  static std::string failure;
  static bool tried = false;
  if (!tried) {
    tried = true;
    if (envInt("LIVEDASH_BENCH_NO_PG", 0) != 0) {
      failure = "LIVEDASH_BENCH_NO_PG is set";
    } else if (!testing::PostgresCluster::available()) {
      failure = "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)";
    } else {
      try {
        auto start = Clock::now();
        pg = std::make_unique<PgWorld>();
        std::fprintf(stderr, "PostgreSQL: loaded %" PRId64 " orders and payments in %.1f s\n",
                     rowCount(), std::chrono::duration<double>(Clock::now() - start).count());
      } catch (const std::exception& e) {
        failure = std::string("PostgreSQL could not be started: ") + e.what();
      }
    }
    if (!failure.empty()) {
      std::fprintf(stderr, "NOTICE: skipping the PostgreSQL baseline: %s\n", failure.c_str());
      g_results.pg_notice = failure;
    }
  }
  why_not = failure;
  return pg.get();
}

void BM_Postgres(benchmark::State& state, size_t query) {
  std::string why_not;
  PgWorld* pg = pgWorld(why_not);
  if (!pg) {
    state.SkipWithError(("skipped: " + why_not).c_str());
    for (auto _ : state) {
    }
    return;
  }
  const QuerySpec& q = kQueries[query];
  double write_s = 0;
  int rows = 0;
  for (auto _ : state) {
    std::string change = toSql(pg->workload().next(*q.mix));
    auto t0 = Clock::now();
    pg->exec(change);  // autocommit: one transaction per change
    auto t1 = Clock::now();
    rows = pg->queryRows(q.sql);
    auto t2 = Clock::now();
    write_s += std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(std::chrono::duration<double>(t2 - t1).count());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["write_us"] =
      benchmark::Counter(write_s * 1e6, benchmark::Counter::kAvgIterations);
  state.counters["result_rows"] = rows;
  g_results.write_us[std::string("postgres/") + q.name] =
      write_s * 1e6 / std::max<double>(1, static_cast<double>(state.iterations()));
  labelWithLoad(state);
}

#else

void BM_Postgres(benchmark::State& state, size_t) {
  static bool noticed = false;
  const char* why = "built without tests/support (CMake target livedash_test_pg)";
  if (!noticed) {
    noticed = true;
    std::fprintf(stderr, "NOTICE: skipping the PostgreSQL baseline: %s\n", why);
    g_results.pg_notice = why;
  }
  state.SkipWithError(why);
  for (auto _ : state) {
  }
}

#endif

// ---------------------------------------------------------------------------------------------
// Reporting

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  // Colours only on a terminal, so that a saved run stays readable.
  SummaryReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration)
        continue;
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end())
        g_results.rate[run.run_name.function_name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

std::string rateText(double rate) {
  char buf[32];
  if (rate <= 0)
    return "-";
  if (rate >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM/s", rate / 1e6);
  } else if (rate >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk/s", rate / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f/s", rate);
  }
  return buf;
}

std::string ratioText(double fast, double slow) {
  if (fast <= 0 || slow <= 0)
    return "-";
  char buf[32];
  double r = fast / slow;
  std::snprintf(buf, sizeof buf, r >= 100 ? "%.0fx" : "%.1fx", r);
  return buf;
}

double rateOf(const std::string& name) {
  auto it = g_results.rate.find(name);
  return it == g_results.rate.end() ? 0 : it->second;
}

//! Naive rate for all four together: the per-change costs of the four queries add up.
double combinedNaiveRate(const std::string& prefix) {
  double seconds = 0;
  for (const QuerySpec& q : kQueries) {
    double r = rateOf(prefix + q.name);
    if (r <= 0)
      return 0;
    seconds += 1 / r;
  }
  return 1 / seconds;
}

void printSummary() {
  std::printf("\n== livedash engine summary: %" PRId64 " orders, %" PRId64
              " payments, one transaction per change ==\n",
              rowCount(), rowCount());
  std::printf("machine load at start: %s; at end: %s\n", g_results.load_at_start.c_str(),
              loadAverage().c_str());
  std::printf("%-20s %12s %14s %10s %14s %10s\n", "query", "livedash", "from scratch", "ratio",
              "PostgreSQL", "ratio");
  auto line = [](const std::string& label, double live, double scratch, double pg) {
    std::printf("%-20s %12s %14s %10s %14s %10s\n", label.c_str(), rateText(live).c_str(),
                rateText(scratch).c_str(), ratioText(live, scratch).c_str(), rateText(pg).c_str(),
                ratioText(live, pg).c_str());
  };
  for (const QuerySpec& q : kQueries) {
    std::string n = q.name;
    line(n, rateOf("livedash/" + n), rateOf("from_scratch/" + n), rateOf("postgres/" + n));
  }
  for (const QuerySpec& q : kQueries) {
    std::string n = q.name;
    if (rateOf("livedash_backlog/" + n) > 0)
      line(n + " (backlog)", rateOf("livedash_backlog/" + n), rateOf("from_scratch/" + n),
           rateOf("postgres/" + n));
  }
  line("all four together", rateOf("livedash/all_four"), combinedNaiveRate("from_scratch/"),
       combinedNaiveRate("postgres/"));
  std::printf(
      "(naive 'all four' = 1 / sum of the four per-change costs; PostgreSQL is timed on "
      "the query only, the write is reported as write_us)\n");
  if (!g_results.pg_notice.empty()) {
    std::printf("PostgreSQL baseline skipped: %s\n", g_results.pg_notice.c_str());
  }

  std::printf(
      "\nmemory (retained: heap growth from mallinfo2, allocator overhead included; allocated: "
      "bytes via operator new):\n");
  if (g_results.store_elements > 0) {
    std::printf("  element store: %.1f MiB for %zu elements = %.0f B/element (load took %.1f s)\n",
                static_cast<double>(g_results.store_heap_bytes) / (1 << 20),
                g_results.store_elements,
                static_cast<double>(g_results.store_heap_bytes) /
                    static_cast<double>(g_results.store_elements),
                g_results.load_s);
  }
  if (g_results.pg_bytes > 0) {
    std::printf("  PostgreSQL: %.1f MiB for the same rows, tables and indexes\n",
                static_cast<double>(g_results.pg_bytes) / (1 << 20));
  }
  for (const QuerySpec& q : kQueries) {
    auto it = g_results.memory.find(q.name);
    if (it == g_results.memory.end())
      continue;
    const MemoryFigure& m = it->second;
    std::printf(
        "  %-20s %7.1f MiB retained = %4.0f B per matched row (%zu rows); allocated: %.1f MiB "
        "after bootstrap, %.1f MiB at peak; bootstrap took %.2f s\n",
        q.name, static_cast<double>(m.heap_bytes) / (1 << 20),
        static_cast<double>(m.heap_bytes) / static_cast<double>(std::max<size_t>(1, m.rows)),
        m.rows, static_cast<double>(m.live_bytes) / (1 << 20),
        static_cast<double>(m.peak_bytes) / (1 << 20), m.bootstrap_s);
  }

  std::printf("\ntargets (shared/DESIGN.md, one core):\n");
  auto target = [](const char* what, double rate, double goal) {
    std::printf("  %-34s >= %s: %s (%s)\n", what, rateText(goal).c_str(),
                rate <= 0      ? "not measured"
                : rate >= goal ? "MET"
                               : "NOT MET",
                rateText(rate).c_str());
  };
  target("group-by count/sum (order_stats)", rateOf("livedash/order_stats"), 2e6);
  target("  the same, as a backlog", rateOf("livedash_backlog/order_stats"), 2e6);
  target("count-distinct (distinct_customers)", rateOf("livedash/distinct_customers"), 3e5);
  target("  the same, as a backlog", rateOf("livedash_backlog/distinct_customers"), 3e5);
}

void registerBenchmarks() {
  // payment_issues runs last of the single queries, so that all_four only adds the other three
  // to it (a bootstrap over 1M rows takes seconds).
  const std::array<size_t, 4> order = {0, 2, 3, 1};
  for (size_t i : order) {
    benchmark::RegisterBenchmark((std::string("livedash/") + kQueries[i].name).c_str(), BM_Livedash,
                                 std::vector<size_t>{i}, kQueries[i].mix, 1)
        ->MinTime(1.0)
        ->Unit(benchmark::kNanosecond);
  }
  for (size_t i : order) {
    benchmark::RegisterBenchmark((std::string("livedash_backlog/") + kQueries[i].name).c_str(),
                                 BM_LivedashBacklog, i)
        ->MinTime(1.0)
        ->Unit(benchmark::kNanosecond);
  }
  benchmark::RegisterBenchmark("livedash/all_four", BM_Livedash, std::vector<size_t>{0, 1, 2, 3},
                               &kJoinMix, 1)
      ->MinTime(1.0)
      ->Unit(benchmark::kNanosecond);
  // Extra information, not a target: transactions of 5 and 100 changes (a pgbench transaction
  // carries a handful), which share a query's per-transaction work and diff. Rates are still
  // per change. Each re-bootstraps its query, so they run only when LIVEDASH_BENCH_BATCHES=1.
  if (envInt("LIVEDASH_BENCH_BATCHES", 0) != 0) {
    for (size_t i : order) {
      for (size_t per_transaction : {size_t{5}, size_t{100}}) {
        std::string name = std::string("livedash_batch/") + kQueries[i].name + "/" +
                           std::to_string(per_transaction);
        benchmark::RegisterBenchmark(name.c_str(), BM_Livedash, std::vector<size_t>{i},
                                     kQueries[i].mix, per_transaction)
            ->MinTime(1.0)
            ->Unit(benchmark::kNanosecond);
      }
    }
  }
  // At 1M rows one re-run takes seconds: one iteration (one change) is the measurement.
  for (size_t i : order) {
    benchmark::RegisterBenchmark((std::string("from_scratch/") + kQueries[i].name).c_str(),
                                 BM_FromScratch, i)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  for (size_t i : order) {
    benchmark::RegisterBenchmark((std::string("postgres/") + kQueries[i].name).c_str(), BM_Postgres,
                                 i)
        ->MinTime(1.0)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace livedash::bench

int main(int argc, char** argv) {
  using namespace livedash::bench;
  g_results.load_at_start = loadAverage();
  registerBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  printSummary();
  benchmark::Shutdown();
  return 0;
}

// Counting replacements of the global allocation functions (see AllocationCounter).
void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (!p)
    throw std::bad_alloc();
  auto& c = livedash::bench::g_allocations;
  if (c.on) {
    c.live += static_cast<int64_t>(malloc_usable_size(p));
    c.peak = std::max(c.peak, c.live);
  }
  return p;
}

void operator delete(void* p) noexcept {
  auto& c = livedash::bench::g_allocations;
  if (c.on && p)
    c.live -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
