// tests/integration/random_workload.cpp
#include "random_workload.hpp"

#include <fmt/format.h>

namespace livedash::integration {
namespace {

enum class Op { Insert, Update, Delete };

std::string sqlText(const std::optional<std::string>& value) {
  if (!value) {
    return "NULL";
  }
  std::string out = "'";
  for (char c : *value) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string sqlInt(const std::optional<int>& value) {
  return value ? std::to_string(*value) : std::string("NULL");
}

std::string sqlMoney(int64_t cents) {
  return fmt::format("{}.{:02}", cents / 100, cents % 100);
}

core::Value text(const std::optional<std::string>& value) {
  return value ? core::Value(*value) : core::Value();
}

//! numeric(10,2) as the engine sees it: an exact decimal with two decimals.
core::Value money(int64_t cents) {
  return core::Value(core::Decimal{cents, 2});
}

core::Map properties(const OrderRow& o) {
  return {{"id", core::Value(o.id)},
          {"customer_name", text(o.customer_name)},
          {"status", text(o.status)},
          {"total", money(o.total_cents)},
          {"created_at", core::Value(o.created_at)}};
}

core::Map properties(const PaymentRow& p) {
  return {{"id", core::Value(p.id)},
          {"order_id", p.order_id ? core::Value(*p.order_id) : core::Value()},
          {"status", core::Value(p.status)},
          {"amount", money(p.amount_cents)}};
}

template <typename Row>
core::Change change(core::ChangeOp op, const std::string& table, const Row* before,
                    const Row* after) {
  core::Change c;
  c.op = op;
  c.element.id = fmt::format("{}:{}", table, after ? after->id : before->id);
  c.element.labels = {table};
  if (after) {
    c.element.properties = properties(*after);
  }
  if (before) {
    c.before = properties(*before);
  }
  return c;
}

Op pickOp(std::mt19937& rng) {
  // More updates than inserts and deletes: updates are what move rows between groups.
  int r = std::uniform_int_distribution<int>(0, 99)(rng);
  return r < 30 ? Op::Insert : r < 75 ? Op::Update : Op::Delete;
}

std::string joinSet(const std::vector<std::string>& sets) {
  if (sets.empty()) {
    return "status = status";  // an update that changes nothing
  }
  std::string out;
  for (const std::string& s : sets) {
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}

}  // namespace

std::string RandomWorkload::schemaSql() {
  return "CREATE TABLE orders (id int PRIMARY KEY, customer_name text, status text, "
         "total numeric(10,2), created_at timestamp);\n"
         "CREATE TABLE payments (id int PRIMARY KEY, order_id int, status text, "
         "amount numeric(10,2));\n";
}

std::vector<Statement> RandomWorkload::nextTransaction() {
  std::vector<Statement> out;
  int n = between(1, 4);
  for (int i = 0; i < n; ++i) {
    out.push_back(chance(2.0 / 3.0) ? orderStatement() : paymentStatement());
  }
  return out;
}

std::optional<std::string> RandomWorkload::randomStatus() {
  static const char* const kStatuses[] = {"pending", "processing", "packing",
                                          "shipped", "delivered",  "cancelled"};
  if (chance(0.04)) {
    return std::nullopt;
  }
  return kStatuses[between(0, std::size(kStatuses) - 1)];
}

std::optional<std::string> RandomWorkload::randomCustomer() {
  static const char* const kCustomers[] = {"Ada",     "Grace", "Linus",    "Edsger",
                                           "O'Brien", "Ken",   "Margaret", "Dennis"};
  if (chance(0.07)) {
    return std::nullopt;
  }
  return kCustomers[between(0, std::size(kCustomers) - 1)];
}

int64_t RandomWorkload::randomTotal() {
  // Repeated totals, at both ends, so that ORDER BY total meets ties in its first rows.
  static const int64_t kCommon[] = {1000, 2500, 45000, 49999};
  if (chance(0.2)) {
    return kCommon[between(0, std::size(kCommon) - 1)];
  }
  return between(0, 49999);
}

std::optional<int> RandomWorkload::randomOrderId() {
  // Now and then a payment for no order, and often one for an order that does not exist (yet).
  return chance(0.05) ? std::nullopt : std::optional<int>(between(1, 40));
}

std::string RandomWorkload::randomPaymentStatus() {
  static const char* const kStatuses[] = {"pending", "failed", "completed", "refunded"};
  return kStatuses[between(0, std::size(kStatuses) - 1)];
}

std::string RandomWorkload::randomTimestamp() {
  return fmt::format("2026-11-{:02} {:02}:{:02}:00", between(1, 28), between(0, 23),
                     between(0, 59));
}

Statement RandomWorkload::orderStatement() {
  int id = between(1, 40);
  switch (pickOp(rng_)) {
    case Op::Insert:
      return insertOrder(id);
    case Op::Update:
      return updateOrder(id);
    case Op::Delete:
      break;
  }
  return deleteRow(orders_, "orders", id);
}

Statement RandomWorkload::paymentStatement() {
  int id = between(1, 30);
  switch (pickOp(rng_)) {
    case Op::Insert:
      return insertPayment(id);
    case Op::Update:
      return updatePayment(id);
    case Op::Delete:
      break;
  }
  return deleteRow(payments_, "payments", id);
}

template <typename Row>
Statement RandomWorkload::deleteRow(std::map<int, Row>& rows, const std::string& table, int id) {
  Statement s;
  s.sql = fmt::format("DELETE FROM {} WHERE id = {} RETURNING id", table, id);
  if (auto it = rows.find(id); it != rows.end()) {
    s.expected_rows = 1;
    s.change = change<Row>(core::ChangeOp::Delete, table, &it->second, nullptr);
    rows.erase(it);
  }
  return s;
}

Statement RandomWorkload::insertOrder(int id) {
  OrderRow row{id, randomCustomer(), randomStatus(), randomTotal(), randomTimestamp()};
  Statement s;
  s.sql = fmt::format(
      "INSERT INTO orders VALUES ({}, {}, {}, {}, '{}') ON CONFLICT DO NOTHING RETURNING id", id,
      sqlText(row.customer_name), sqlText(row.status), sqlMoney(row.total_cents), row.created_at);
  if (!orders_.contains(id)) {
    s.expected_rows = 1;
    s.change = change<OrderRow>(core::ChangeOp::Insert, "orders", nullptr, &row);
    orders_.emplace(id, row);
  }
  return s;
}

Statement RandomWorkload::updateOrder(int id) {
  auto it = orders_.find(id);
  OrderRow after = it != orders_.end() ? it->second : OrderRow{id, {}, {}, 0, ""};
  std::vector<std::string> sets;
  if (chance(0.6)) {
    after.status = randomStatus();
    sets.push_back("status = " + sqlText(after.status));
  }
  if (chance(0.35)) {
    after.total_cents = randomTotal();
    sets.push_back("total = " + sqlMoney(after.total_cents));
  }
  if (chance(0.15)) {
    after.customer_name = randomCustomer();
    sets.push_back("customer_name = " + sqlText(after.customer_name));
  }
  if (chance(0.1)) {
    after.created_at = randomTimestamp();
    sets.push_back(fmt::format("created_at = '{}'", after.created_at));
  }
  Statement s;
  s.sql = fmt::format("UPDATE orders SET {} WHERE id = {} RETURNING id", joinSet(sets), id);
  if (it != orders_.end()) {
    s.expected_rows = 1;
    s.change = change(core::ChangeOp::Update, "orders", &it->second, &after);
    it->second = after;
  }
  return s;
}

Statement RandomWorkload::insertPayment(int id) {
  PaymentRow row{id, randomOrderId(), randomPaymentStatus(), between(0, 9999)};
  Statement s;
  s.sql = fmt::format(
      "INSERT INTO payments VALUES ({}, {}, '{}', {}) ON CONFLICT DO NOTHING RETURNING id", id,
      sqlInt(row.order_id), row.status, sqlMoney(row.amount_cents));
  if (!payments_.contains(id)) {
    s.expected_rows = 1;
    s.change = change<PaymentRow>(core::ChangeOp::Insert, "payments", nullptr, &row);
    payments_.emplace(id, row);
  }
  return s;
}

Statement RandomWorkload::updatePayment(int id) {
  auto it = payments_.find(id);
  PaymentRow after = it != payments_.end() ? it->second : PaymentRow{id, {}, "pending", 0};
  std::vector<std::string> sets;
  if (chance(0.5)) {
    after.status = randomPaymentStatus();
    sets.push_back(fmt::format("status = '{}'", after.status));
  }
  if (chance(0.3)) {
    after.amount_cents = between(0, 9999);
    sets.push_back("amount = " + sqlMoney(after.amount_cents));
  }
  if (chance(0.3)) {
    after.order_id = randomOrderId();
    sets.push_back("order_id = " + sqlInt(after.order_id));
  }
  Statement s;
  s.sql = fmt::format("UPDATE payments SET {} WHERE id = {} RETURNING id", joinSet(sets), id);
  if (it != payments_.end()) {
    s.expected_rows = 1;
    s.change = change(core::ChangeOp::Update, "payments", &it->second, &after);
    it->second = after;
  }
  return s;
}

}  // namespace livedash::integration
