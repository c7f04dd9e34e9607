// src/engine/plan/binder.hpp
//
// Resolves the names in an expression against a scope: MATCH variables (elements) in the first
// stage, the previous projection's columns later. Aggregate calls are lifted out into
// AggregateSpecs when the caller allows them.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/eval/bound_expr.hpp"
#include "engine/plan/query_plan.hpp"
#include "query/ast.hpp"

namespace livedash::engine {

struct Scope {
  enum class Kind { Elements, Columns };
  Kind kind = Kind::Elements;
  std::unordered_map<std::string, int> slots;
  std::vector<std::string> names() const;
};

class Binder {
 public:
  Binder(const core::Map& parameters, std::vector<core::Value>& parameter_values)
      : parameters_(parameters), parameter_values_(parameter_values) {}

  //! Binds with no aggregates allowed.
  BoundExpr bind(const query::Expr& e, const Scope& scope);
  //! Binds an aggregating item: aggregate calls become AggregateResult slots appended to `specs`;
  //! their arguments are bound in `scope`.
  BoundExpr bindAggregating(const query::Expr& e, const Scope& scope,
                            std::vector<AggregateSpec>& specs);

  static bool containsAggregate(const query::Expr& e);
  //! Future functions (drasi.trueFor…) are allowed only while this is set: in MATCH … WHERE.
  void allowFutureFunctions(bool allowed) { allow_future_ = allowed; }
  //! Set while the WITH or RETURN right after the MATCH is bound: it is evaluated per solution,
  //! so drasi.previousValue (without aggregates) and drasi.slidingWindow (with) work there.
  struct FirstProjection {
    bool per_solution = false;
    bool aggregating = false;
  };
  void setFirstProjection(FirstProjection first) { first_projection_ = first; }

 private:
  BoundExpr bindExpr(const query::Expr& e, const Scope& scope, std::vector<AggregateSpec>* specs,
                     bool inside_aggregate);
  BoundExpr bindVariable(const query::Expr& e, const Scope& scope);
  BoundExpr bindCall(const query::Expr& e, const Scope& scope, std::vector<AggregateSpec>* specs,
                     bool inside_aggregate);
  BoundExpr bindAggregate(const query::Expr& e, const Scope& scope,
                          std::vector<AggregateSpec>* specs, bool inside_aggregate);
  BoundExpr bindParameter(const query::Expr& e);
  BoundExpr bindSlidingWindow(const query::Expr& e, const Scope& scope,
                              std::vector<AggregateSpec>* specs, bool inside_aggregate);
  //! Turns a comparison between a row's instant and the clock (plus a constant) into a call that
  //! also schedules the moment its answer flips.
  void bindClockComparison(BoundExpr& b);

  const core::Map& parameters_;
  std::vector<core::Value>& parameter_values_;
  //! Names visible inside list comprehensions, innermost last.
  std::vector<std::pair<std::string, int>> locals_;
  bool allow_future_ = false;
  //! Comparisons with the clock schedule their flip (set inside the first projection's aggregates).
  bool clock_comparisons_ = false;
  FirstProjection first_projection_;
  int future_calls_ = 0;
};

}  // namespace livedash::engine
