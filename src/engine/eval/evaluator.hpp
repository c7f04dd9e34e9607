// src/engine/eval/evaluator.hpp
#pragma once

#include "core/value.hpp"
#include "engine/eval/bound_expr.hpp"
#include "engine/eval/eval_context.hpp"

namespace livedash::engine {

//! Evaluates with Cypher semantics: NULL propagates, boolean logic is three-valued, and type
//! errors in data yield NULL rather than failing the whole query (the data plane never throws).
core::Value evaluate(const BoundExpr& e, EvalContext& ctx);

//! A WHERE predicate keeps a row only when it evaluates to exactly true.
inline bool isTrue(const core::Value& v) {
  return v.isBool() && v.asBool();
}

//! The properties of an element as a map value (what `RETURN o` yields).
core::Value elementValue(const ElementVersion& version);

}  // namespace livedash::engine
