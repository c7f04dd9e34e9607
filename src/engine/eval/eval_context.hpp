// src/engine/eval/eval_context.hpp
#pragma once

#include <cstdint>
#include <vector>

#include "core/value.hpp"
#include "engine/element_store.hpp"
#include "engine/eval/temporal_scope.hpp"

namespace livedash::engine {

//! What an expression can see while it is evaluated for one row.
struct EvalContext {
  //! MATCH variables, by slot (first stage only). Entries may be null for OPTIONAL MATCH.
  const std::vector<const ElementVersion*>* elements = nullptr;
  //! The previous stage's output row (later stages).
  const std::vector<core::Value>* columns = nullptr;
  //! Accumulator results, when finalising an aggregating projection.
  const std::vector<core::Value>* aggregates = nullptr;
  //! Query parameters ($name), by slot.
  const std::vector<core::Value>* parameters = nullptr;
  //! List comprehension variables, by slot.
  std::vector<core::Value> locals;
  //! The engine clock's now, for datetime.realtime() and temporal functions.
  int64_t now_ms = 0;
  //! Set while a MATCH predicate is evaluated for one solution; null elsewhere.
  TemporalScope* temporal = nullptr;
};

}  // namespace livedash::engine
