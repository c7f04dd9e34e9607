// tests/integration/differential_queries.cpp
#include "differential_queries.hpp"

namespace livedash::integration {
namespace {

constexpr ColumnKind kInt = ColumnKind::Integer;
constexpr ColumnKind kText = ColumnKind::Text;
constexpr ColumnKind kMoney = ColumnKind::Money;
constexpr ColumnKind kReal = ColumnKind::Real;

std::vector<DifferentialQuery> build() {
  std::vector<DifferentialQuery> q;
  // Seed 000's order-stats: groups appear, move and disappear (GROUP BY has no empty groups).
  q.push_back({"order-stats",
               "MATCH (o:orders) WITH o.status AS status, count(o) AS orderCount, "
               "sum(o.total) AS totalValue RETURN status, orderCount, totalValue",
               "SELECT status, count(*), sum(total) FROM orders GROUP BY status",
               {{"status", kText}, {"orderCount", kInt}, {"totalValue", kMoney}}});
  q.push_back({"filter",
               "MATCH (o:orders) WHERE o.status IN ['processing', 'packing'] "
               "RETURN o.id AS orderId, o.total AS total",
               "SELECT id, total FROM orders WHERE status IN ('processing', 'packing')",
               {{"orderId", kInt}, {"total", kMoney}}});
  // Seed 000's payment-issues: rows are keyed by (payment, order), so duplicates count.
  q.push_back(
      {"payment-issues",
       "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) WHERE p.status IN ['pending', 'failed'] "
       "RETURN o.id AS orderId, o.customer_name AS customerName, p.status AS paymentStatus, "
       "p.amount AS amount",
       "SELECT o.id, o.customer_name, p.status, p.amount FROM payments p "
       "JOIN orders o ON o.id = p.order_id WHERE p.status IN ('pending', 'failed')",
       {{"orderId", kInt}, {"customerName", kText}, {"paymentStatus", kText}, {"amount", kMoney}},
       false,
       0});
  q.push_back({"top-5",
               "MATCH (o:orders) RETURN o.id AS orderId, o.total AS total "
               "ORDER BY o.total DESC, o.id LIMIT 5",
               "SELECT id, total FROM orders ORDER BY total DESC, id LIMIT 5",
               {{"orderId", kInt}, {"total", kMoney}},
               true});
  q.push_back({"distinct-customers",
               "MATCH (o:orders) RETURN o.status AS status, "
               "count(DISTINCT o.customer_name) AS customers",
               "SELECT status, count(DISTINCT customer_name) FROM orders GROUP BY status",
               {{"status", kText}, {"customers", kInt}}});
  q.push_back(
      {"min-max-avg",
       "MATCH (o:orders) RETURN o.status AS status, min(o.total) AS lo, "
       "max(o.total) AS hi, avg(o.total) AS mean, max(o.created_at) AS lastAt",
       "SELECT status, min(total), max(total), avg(total), max(created_at) FROM orders "
       "GROUP BY status",
       {{"status", kText}, {"lo", kMoney}, {"hi", kMoney}, {"mean", kReal}, {"lastAt", kText}}});
  // PostgreSQL's regr_slope is the same least-squares slope, null below two distinct x.
  q.push_back({"slope",
               "MATCH (o:orders) RETURN o.status AS status, "
               "drasi.linearGradient(o.id, o.total) AS slope",
               "SELECT status, regr_slope(total, id) FROM orders GROUP BY status",
               {{"status", kText}, {"slope", kReal}}});
  q.push_back({"having",
               "MATCH (o:orders) WITH o.status AS s, count(o) AS n WHERE n > 3 RETURN s, n",
               "SELECT status, count(*) FROM orders GROUP BY status HAVING count(*) > 3",
               {{"s", kText}, {"n", kInt}},
               false,
               1,
               0.5});
  q.push_back({"paid-per-order",
               "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) RETURN o.id AS orderId, "
               "count(p) AS payments, sum(p.amount) AS paid",
               "SELECT o.id, count(*), sum(p.amount) FROM payments p "
               "JOIN orders o ON o.id = p.order_id GROUP BY o.id",
               {{"orderId", kInt}, {"payments", kInt}, {"paid", kMoney}}});
  // Order status changes move payments between groups on the far side of the join.
  q.push_back({"paid-per-status",
               "MATCH (o:orders)<-[:FOR_ORDER]-(p:payments) RETURN o.status AS status, "
               "count(p) AS n, sum(p.amount) AS paid",
               "SELECT o.status, count(*), sum(p.amount) FROM orders o "
               "JOIN payments p ON o.id = p.order_id GROUP BY o.status",
               {{"status", kText}, {"n", kInt}, {"paid", kMoney}}});
  q.push_back({"distinct-status",
               "MATCH (o:orders) RETURN DISTINCT o.status AS status",
               "SELECT DISTINCT status FROM orders",
               {{"status", kText}}});
  q.push_back({"shipped-page",
               "MATCH (o:orders {status: 'shipped'}) RETURN o.id AS id, o.total AS total "
               "ORDER BY o.total, o.id SKIP 2 LIMIT 3",
               "SELECT id, total FROM orders WHERE status = 'shipped' ORDER BY total, id "
               "OFFSET 2 LIMIT 3",
               {{"id", kInt}, {"total", kMoney}},
               true,
               1,
               0.3});
  q.push_back({"pending-payments",
               "MATCH (a:orders), (b:payments) WHERE a.id = b.order_id AND a.status = 'pending' "
               "RETURN a.id AS orderId, b.id AS paymentId",
               "SELECT o.id, p.id FROM orders o, payments p "
               "WHERE o.id = p.order_id AND o.status = 'pending'",
               {{"orderId", kInt}, {"paymentId", kInt}},
               false,
               0,
               0.25});
  q.push_back({"big-open",
               "MATCH (o:orders) WHERE o.total > 250 AND o.status <> 'cancelled' "
               "RETURN o.id AS id, o.status AS status",
               "SELECT id, status FROM orders WHERE total > 250 AND status <> 'cancelled'",
               {{"id", kInt}, {"status", kText}}});
  // NULL sorts after every value in ascending order (first when descending), in Cypher as in
  // PostgreSQL.
  q.push_back({"first-customers",
               "MATCH (o:orders) RETURN o.id AS orderId, o.customer_name AS name "
               "ORDER BY o.customer_name DESC, o.id LIMIT 5",
               "SELECT id, customer_name FROM orders ORDER BY customer_name DESC, id LIMIT 5",
               {{"orderId", kInt}, {"name", kText}},
               true});
  // An aggregate over an aggregate: customers by their number of orders.
  q.push_back({"customer-histogram",
               "MATCH (o:orders) WITH o.customer_name AS c, count(o) AS n "
               "RETURN n AS orders, count(c) AS customers",
               "SELECT n, count(c) FROM (SELECT customer_name AS c, count(*) AS n FROM orders "
               "GROUP BY customer_name) t GROUP BY n",
               {{"orders", kInt}, {"customers", kInt}}});
  q.push_back({"top-spenders",
               "MATCH (o:orders) RETURN o.customer_name AS c, sum(o.total) AS spent "
               "ORDER BY spent DESC, c LIMIT 3",
               "SELECT customer_name, sum(total) AS spent FROM orders GROUP BY customer_name "
               "ORDER BY spent DESC, customer_name LIMIT 3",
               {{"c", kText}, {"spent", kMoney}},
               true});
  q.push_back({"big-spenders",
               "MATCH (o:orders) WITH o.customer_name AS c, sum(o.total) AS spent "
               "WHERE spent > 500 RETURN c, spent",
               "SELECT customer_name, sum(total) FROM orders GROUP BY customer_name "
               "HAVING sum(total) > 500",
               {{"c", kText}, {"spent", kMoney}}});
  q.push_back({"expressions",
               "MATCH (o:orders) WHERE o.customer_name IS NULL OR NOT o.status = 'delivered' "
               "RETURN o.id AS id, toUpper(o.status) AS s, o.total * 2 AS twice, "
               "coalesce(o.customer_name, 'anonymous') AS who",
               "SELECT id, upper(status), total * 2, coalesce(customer_name, 'anonymous') "
               "FROM orders WHERE customer_name IS NULL OR NOT status = 'delivered'",
               {{"id", kInt}, {"s", kText}, {"twice", kMoney}, {"who", kText}}});
  q.push_back({"named-counts",
               "MATCH (o:orders) RETURN o.status AS status, count(o.customer_name) AS named, "
               "count(*) AS n, sum(o.total * 2) AS doubled",
               "SELECT status, count(customer_name), count(*), sum(total * 2) FROM orders "
               "GROUP BY status",
               {{"status", kText}, {"named", kInt}, {"n", kInt}, {"doubled", kMoney}}});
  // A predicate over both ends of the join.
  q.push_back({"large-payments",
               "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) WHERE p.amount * 5 > o.total "
               "RETURN p.id AS paymentId, o.id AS orderId, o.status AS status",
               "SELECT p.id, o.id, o.status FROM payments p JOIN orders o ON o.id = p.order_id "
               "WHERE p.amount * 5 > o.total",
               {{"paymentId", kInt}, {"orderId", kInt}, {"status", kText}}});
  // Grouping by computed keys: CASE, integer division and remainder, string concatenation.
  q.push_back(
      {"sizes",
       "MATCH (o:orders) RETURN CASE WHEN o.total >= 250 THEN 'large' ELSE 'small' END "
       "AS size, o.id % 7 AS bucket, count(o) AS n, sum(o.id / 4) AS quarters, "
       "min(o.status + ':' + o.customer_name) AS first",
       "SELECT CASE WHEN total >= 250 THEN 'large' ELSE 'small' END, id % 7, count(*), "
       "sum(id / 4), min(status || ':' || customer_name) FROM orders GROUP BY 1, 2",
       {{"size", kText}, {"bucket", kInt}, {"n", kInt}, {"quarters", kMoney}, {"first", kText}},
       false,
       2});
  q.push_back({"orders-per-payment-status",
               "MATCH (p:payments)-[:FOR_ORDER]->(o:orders) RETURN p.status AS status, "
               "count(DISTINCT o.id) AS orders, count(DISTINCT o.status) AS orderStatuses, "
               "avg(p.amount) AS mean",
               "SELECT p.status, count(DISTINCT o.id), count(DISTINCT o.status), avg(p.amount) "
               "FROM payments p JOIN orders o ON o.id = p.order_id GROUP BY p.status",
               {{"status", kText}, {"orders", kInt}, {"orderStatuses", kInt}, {"mean", kReal}}});
  // Text and temporal functions beside their SQL twins: char_length counts characters, and the
  // hour of created_at is read in UTC, as livedash reads a timestamp without a time zone.
  q.push_back({"name-lengths-by-hour",
               "MATCH (o:orders) RETURN char_length(o.customer_name) AS len, "
               "datetime(o.created_at).hour AS hour, count(o) AS n",
               "SELECT char_length(customer_name), extract(hour FROM created_at)::int, count(*) "
               "FROM orders GROUP BY 1, 2",
               {{"len", kInt}, {"hour", kInt}, {"n", kInt}},
               false,
               2});
  return q;
}

}  // namespace

const std::vector<DifferentialQuery>& differentialQueries() {
  static const std::vector<DifferentialQuery> kQueries = build();
  return kQueries;
}

}  // namespace livedash::integration
