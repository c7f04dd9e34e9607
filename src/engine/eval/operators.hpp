// src/engine/eval/operators.hpp
#pragma once

#include "core/value.hpp"
#include "query/ast.hpp"

namespace livedash::engine {

//! Binary operators other than AND/OR/XOR (which short-circuit in the evaluator).
core::Value applyBinary(query::Operator op, const core::Value& a, const core::Value& b);
core::Value applyUnary(query::Operator op, const core::Value& a);

//! Cypher comparison: NULL when either side is NULL or the kinds are not comparable.
core::Value compareValues(query::Operator op, const core::Value& a, const core::Value& b);

}  // namespace livedash::engine
