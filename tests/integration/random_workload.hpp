// tests/integration/random_workload.hpp
//
// Random transactions over orders and payments, generated against a model of the tables so that
// each statement is known to touch one row or none. The same statements run as SQL in PostgreSQL
// and as changes in the engine: a statement that touches no row (update or delete of a missing
// row, insert of an existing id) still runs in PostgreSQL, and gives the engine nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/change.hpp"

namespace livedash::integration {

struct OrderRow {
  int id = 0;
  std::optional<std::string> customer_name;
  std::optional<std::string> status;
  int64_t total_cents = 0;
  std::string created_at;  //!< "YYYY-MM-DD HH:MM:SS", PostgreSQL's ISO text for a timestamp
};

struct PaymentRow {
  int id = 0;
  std::optional<int> order_id;
  std::string status;
  int64_t amount_cents = 0;
};

//! One statement of a transaction: SQL with a RETURNING clause, the number of rows it must
//! return (1 or 0), and the change the engine gets when it touches a row.
struct Statement {
  std::string sql;
  size_t expected_rows = 0;
  std::optional<core::Change> change;
};

class RandomWorkload {
 public:
  explicit RandomWorkload(uint32_t seed) : rng_(seed) {}

  //! CREATE TABLE statements for orders and payments (no foreign key).
  static std::string schemaSql();

  //! 1–4 statements; the model moves on as they are generated.
  std::vector<Statement> nextTransaction();

  size_t orderCount() const { return orders_.size(); }
  size_t paymentCount() const { return payments_.size(); }

 private:
  Statement orderStatement();
  Statement paymentStatement();
  Statement insertOrder(int id);
  Statement updateOrder(int id);
  Statement insertPayment(int id);
  Statement updatePayment(int id);
  template <typename Row>
  Statement deleteRow(std::map<int, Row>& rows, const std::string& table, int id);
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::optional<std::string> randomStatus();
  std::optional<std::string> randomCustomer();
  int64_t randomTotal();
  std::string randomTimestamp();
  std::optional<int> randomOrderId();
  std::string randomPaymentStatus();

  std::mt19937 rng_;
  std::map<int, OrderRow> orders_;
  std::map<int, PaymentRow> payments_;
};

}  // namespace livedash::integration
