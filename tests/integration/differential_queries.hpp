// tests/integration/differential_queries.hpp
//
// Continuous queries and their SQL twins: after any transaction, the engine's result for the
// Cypher text must equal what PostgreSQL answers to the SQL.
#pragma once

#include <string>
#include <vector>

#include "engine/plan/query_plan.hpp"
#include "result_compare.hpp"

namespace livedash::integration {

struct DifferentialQuery {
  std::string id;
  std::string cypher;
  std::string sql;
  std::vector<Column> columns;  //!< RETURN columns, in order
  bool ordered = false;         //!< compare in order (ORDER BY … LIMIT), not as multisets
  size_t key_columns = 1;       //!< leading columns identifying a row (0: the whole row)
  //! Share of transactions after which the result must be non-empty, so the test is not vacuous.
  double min_nonempty = 0.8;
};

//! payments.order_id = orders.id as (p:payments)-[:FOR_ORDER]->(o:orders).
inline const std::vector<engine::JoinSpec>& differentialJoins() {
  static const std::vector<engine::JoinSpec> kJoins = {
      {"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}};
  return kJoins;
}

const std::vector<DifferentialQuery>& differentialQueries();

}  // namespace livedash::integration
