// src/engine/plan/query_plan.hpp
//
// The immutable plan of a continuous query: what to match, then a chain of projections (WITH …,
// RETURN), then an optional top-N. Built once by planQuery(); the mutable state lives in the ops.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/change.hpp"
#include "engine/eval/bound_expr.hpp"
#include "engine/functions/function_registry.hpp"

namespace livedash::engine {

//! A relationship that the engine derives from equal property values, declared in the query's
//! `joins` config: payments.order_id = orders.id gives (p:payments)-[:FOR_ORDER]-(o:orders).
struct JoinSpec {
  std::string id;
  struct Key {
    std::string label;
    std::string property;
  };
  std::vector<Key> keys;
};

struct MatchNode {
  std::string variable;
  std::vector<std::string> labels;  //!< all required
  //! From (n:A|B): at least one required as well (empty: no alternation).
  std::vector<std::string> any_labels;
  int slot = 0;
  //! Bound by OPTIONAL MATCH: null in a solution that has no match for it.
  bool optional = false;

  //! Whether a node element carries the labels the pattern asks for.
  bool accepts(const core::Element& e) const {
    if (e.isRelation())
      return false;
    for (const std::string& label : labels) {
      if (!e.hasLabel(label))
        return false;
    }
    return any_labels.empty() || std::any_of(any_labels.begin(), any_labels.end(),
                                             [&](const std::string& l) { return e.hasLabel(l); });
  }
  bool hasLabel(std::string_view label) const {
    return std::find(labels.begin(), labels.end(), label) != labels.end() ||
           std::find(any_labels.begin(), any_labels.end(), label) != any_labels.end();
  }
};

//! An edge of the pattern between nodes[from] and nodes[to].
struct MatchEdge {
  std::string variable;
  int slot = -1;  //!< element slot of the relationship variable (null for synthetic joins)
  int from = 0;
  int to = 0;
  query::Direction direction = query::Direction::Either;
  //! Relationship elements must carry one of these labels (empty: any).
  std::vector<std::string> types;
  //! Set when the edge is a synthetic join: the property of `from` and of `to` that must match.
  const JoinSpec* join = nullptr;
  JoinSpec::Key from_key;
  JoinSpec::Key to_key;
  bool optional = false;  //!< from an OPTIONAL MATCH
};

struct MatchPlan {
  std::vector<MatchNode> nodes;
  std::vector<MatchEdge> edges;
  //! Element slots: one per node, then one per edge.
  size_t slot_count = 0;
  //! Inline property maps, inline WHEREs and the MATCH WHERE, combined; evaluated per binding.
  std::optional<BoundExpr> predicate;
  //! The OPTIONAL MATCH's own conditions: they choose which extensions exist, never remove the
  //! MATCH part's solution.
  std::optional<BoundExpr> optional_predicate;
  bool hasOptionalPart() const {
    for (const MatchNode& n : nodes) {
      if (n.optional)
        return true;
    }
    return false;
  }
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
  std::vector<JoinSpec> joins;      //!< referenced by MatchEdge::join; never resized after planning
};

}  // namespace livedash::engine
