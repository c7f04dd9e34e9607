// src/engine/eval/bound_expr.hpp
//
// An expression with its names resolved: variables point at slots of the row being evaluated,
// functions at their implementation. Built by the binder, evaluated by evaluate().
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"
#include "query/ast.hpp"

namespace livedash::engine {

struct ScalarFunction;
struct EvalContext;

enum class BoundKind {
  Literal,
  Element,          //!< the element bound to MATCH variable `slot`
  ElementProperty,  //!< property `key` of the element in `slot` (the common case, kept fast)
  Column,           //!< column `slot` of the previous stage's output
  Local,            //!< list comprehension variable `slot`
  AggregateResult,  //!< result `slot` of the stage's accumulators
  Property,         //!< children[0].key on a map or element value
  Index,
  Slice,
  Call,  //!< fn(children...)
  Unary,
  Binary,
  List,
  Map,
  Case,
  Comprehension,
  //! reduce: children are init, list, step; the accumulator is local `slot`, the element
  //! `slot + 1`.
  Reduce,
  //! all/any/none/single (`key`): children are list and predicate; the element is local `slot`.
  ListPredicate,
};

struct BoundExpr {
  BoundKind kind = BoundKind::Literal;
  core::SourceSpan span;
  core::Value literal;
  int slot = -1;
  std::string key;
  query::Operator op = query::Operator::And;
  const ScalarFunction* fn = nullptr;
  //! Case: whether children[0] is the subject, and whether the last child is ELSE.
  //! Comprehension: has_else marks a WHERE child, has_subject a projection child.
  bool has_subject = false;
  bool has_else = false;
  std::vector<BoundExpr> children;
  std::vector<std::string> keys;

  //! True when the value depends only on the row (no clock, no randomness).
  bool deterministic = true;
};

}  // namespace livedash::engine
