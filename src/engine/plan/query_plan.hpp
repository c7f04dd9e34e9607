// src/engine/plan/query_plan.hpp
//
// The immutable plan of a continuous query: what to match, then a chain of projections (WITH …,
// RETURN), then an optional top-N. Built once by planQuery(); the mutable state lives in the ops.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/eval/bound_expr.hpp"
#include "engine/functions/function_registry.hpp"

namespace livedash::engine {

struct MatchNode {
  std::string variable;
  std::vector<std::string> labels;  //!< all required (a label alternation is not supported yet)
  int slot = 0;
};

struct MatchPlan {
  std::vector<MatchNode> nodes;
  //! Inline property maps, inline WHEREs and the MATCH WHERE, combined; evaluated per binding.
  std::optional<BoundExpr> predicate;
};

struct AggregateSpec {
  AggregateKind kind = AggregateKind::Count;
  bool distinct = false;
  //! Absent for count(*).
  std::optional<BoundExpr> argument;
};

struct ProjectionPlan {
  bool aggregating = false;
  std::vector<std::string> columns;
  //! Non-aggregating: every item, in the input scope. Aggregating: the grouping items, in the
  //! input scope, in column order of `group_columns`.
  std::vector<BoundExpr> items;
  //! Aggregating only: for each output column, whether it is a grouping key.
  std::vector<bool> is_group_column;
  //! Aggregating only: aggregate output items, over accumulator results and group values.
  std::vector<BoundExpr> aggregate_items;
  std::vector<AggregateSpec> aggregates;
  //! `WITH … WHERE`, over this projection's output columns.
  std::optional<BoundExpr> having;
  //! Extra columns evaluated after the visible ones, for ORDER BY over input variables.
  size_t hidden_columns = 0;
};

struct TopNPlan {
  //! Sort keys over the final row (visible and hidden columns).
  std::vector<BoundExpr> keys;
  std::vector<bool> descending;
  int64_t skip = 0;
  std::optional<int64_t> limit;
};

struct QueryPlan {
  MatchPlan match;
  std::vector<ProjectionPlan> projections;
  std::optional<TopNPlan> top_n;
  //! Names of the result columns, as clients see them.
  std::shared_ptr<const std::vector<std::string>> columns;
  std::vector<core::Value> parameters;
  std::vector<std::string> labels;  //!< every label the query reads, to route changes
};

}  // namespace livedash::engine
