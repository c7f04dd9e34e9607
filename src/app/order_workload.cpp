// src/app/order_workload.cpp
//
// Creates orders with a pending payment, moves the oldest order of a stage to the next one
// (pending → processing → packing → shipped → delivered), settles payments and fails a few.
#include <fmt/format.h>

#include "app/demo_workloads.hpp"

namespace livedash::app {

namespace {

constexpr const char* kCustomers[] = {"Alice Johnson", "Bob Smith", "Carol Williams", "David Brown",
                                      "Eve Davis"};
constexpr const char* kFailures[] = {"Card declined", "Insufficient funds", "Expired card",
                                     "Fraud check failed"};

std::string orderWrite(std::mt19937& rng) {
  int roll = static_cast<int>(rng() % 100);
  if (roll < 25) {
    int customer = static_cast<int>(rng() % 5);
    double total = static_cast<double>(1000 + rng() % 49000) / 100.0;
    return fmt::format(
        "INSERT INTO orders (customer_id, customer_name, status, total) VALUES ({}, '{}', "
        "'pending', {:.2f});"
        "INSERT INTO payments (order_id, status, amount) VALUES (last_insert_rowid(), 'pending', "
        "{:.2f});",
        customer + 1, kCustomers[customer], total, total);
  }
  if (roll < 85) {
    const char* stages[][2] = {{"pending", "processing"},
                               {"processing", "packing"},
                               {"packing", "shipped"},
                               {"shipped", "delivered"}};
    const auto& s = stages[rng() % 4];
    return fmt::format(
        "UPDATE orders SET status = '{1}' WHERE id = (SELECT id FROM orders WHERE status = '{0}' "
        "ORDER BY updated_at, id LIMIT 1)",
        s[0], s[1]);
  }
  if (roll < 95) {
    return "UPDATE payments SET status = 'completed', error_message = NULL WHERE id = (SELECT id "
           "FROM payments WHERE status IN ('pending', 'failed') ORDER BY updated_at, id LIMIT 1)";
  }
  return fmt::format(
      "UPDATE payments SET status = 'failed', error_message = '{}' WHERE id = (SELECT id FROM "
      "payments WHERE status = 'pending' ORDER BY random() LIMIT 1)",
      kFailures[rng() % 4]);
}

}  // namespace

DemoWorkload orderWorkload() {
  return orderWrite;
}

}  // namespace livedash::app
