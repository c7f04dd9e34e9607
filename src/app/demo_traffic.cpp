// src/app/demo_traffic.cpp
#include "app/demo_traffic.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace livedash::app {

namespace {

constexpr const char* kCustomers[] = {"Alice Johnson", "Bob Smith", "Carol Williams", "David Brown",
                                      "Eve Davis"};
constexpr const char* kFailures[] = {"Card declined", "Insufficient funds", "Expired card",
                                     "Fraud check failed"};

}  // namespace

DemoTraffic::DemoTraffic(sources::EmbeddedSource& store, double changes_per_second, uint32_t seed)
    : store_(store), rate_(changes_per_second), rng_(seed) {}

DemoTraffic::~DemoTraffic() {
  stop();
}

void DemoTraffic::start() {
  if (rate_ > 0 && !thread_.joinable())
    thread_ = std::thread([this] { run(); });
}

void DemoTraffic::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void DemoTraffic::step() {
  int roll = static_cast<int>(rng_() % 100);
  std::string sql;
  if (roll < 25) {
    int customer = static_cast<int>(rng_() % 5);
    double total = static_cast<double>(1000 + rng_() % 49000) / 100.0;
    sql = fmt::format(
        "INSERT INTO orders (customer_id, customer_name, status, total) VALUES ({}, '{}', "
        "'pending', {:.2f});"
        "INSERT INTO payments (order_id, status, amount) VALUES (last_insert_rowid(), 'pending', "
        "{:.2f});",
        customer + 1, kCustomers[customer], total, total);
  } else if (roll < 85) {
    // Advance the oldest order of a random stage, so orders flow through the pipeline.
    const char* stages[][2] = {{"pending", "processing"},
                               {"processing", "packing"},
                               {"packing", "shipped"},
                               {"shipped", "delivered"}};
    const auto& s = stages[rng_() % 4];
    sql = fmt::format(
        "UPDATE orders SET status = '{1}' WHERE id = (SELECT id FROM orders WHERE status = '{0}' "
        "ORDER BY updated_at, id LIMIT 1)",
        s[0], s[1]);
  } else if (roll < 95) {
    sql =
        "UPDATE payments SET status = 'completed', error_message = NULL WHERE id = (SELECT id "
        "FROM payments WHERE status IN ('pending', 'failed') ORDER BY updated_at, id LIMIT 1)";
  } else {
    sql = fmt::format(
        "UPDATE payments SET status = 'failed', error_message = '{}' WHERE id = (SELECT id FROM "
        "payments WHERE status = 'pending' ORDER BY random() LIMIT 1)",
        kFailures[rng_() % 4]);
  }
  try {
    store_.executeSql(sql);
  } catch (const std::exception& e) {
    spdlog::warn("demo traffic: {}", e.what());
  }
}

void DemoTraffic::run() {
  auto interval = std::chrono::duration<double>(1.0 / rate_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    step();
    lock.lock();
  }
}

}  // namespace livedash::app
