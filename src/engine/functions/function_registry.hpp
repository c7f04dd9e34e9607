// src/engine/functions/function_registry.hpp
//
// Every Cypher function livedash knows, as one table of data. The binder, `livedash functions`
// and "did you mean" all read it. Add a function by adding a row in builtin_functions.cpp (scalar)
// or aggregate_functions.cpp (aggregate).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "engine/element_store.hpp"

namespace livedash::engine {

struct EvalContext;

enum class FunctionKind { Scalar, Aggregate };

struct BoundExpr;
using ScalarImpl = core::Value (*)(const std::vector<core::Value>& args, const EvalContext& ctx);
//! For functions that evaluate their own arguments (Drasi's future functions).
using LazyImpl = core::Value (*)(const BoundExpr& call, EvalContext& ctx);
//! For functions about an element itself rather than its properties (elementId, changeDateTime).
using ElementImpl = core::Value (*)(const ElementVersion& element);

struct ScalarFunction {
  const char* name;  //!< as written in queries; matched case-insensitively
  int min_args;
  int max_args;  //!< -1 for any number
  const char* description;
  ScalarImpl impl = nullptr;
  ElementImpl element_impl = nullptr;
  //! Reads the clock or randomness, so results cannot be recomputed from the row alone.
  bool deterministic = true;
  LazyImpl lazy_impl = nullptr;
  //! Needs a TemporalScope: allowed only in a MATCH … WHERE.
  bool needs_temporal_scope = false;
  //! With needs_temporal_scope: also allowed in a non-aggregating WITH or RETURN right after the
  //! MATCH, which is evaluated per solution too.
  bool in_first_projection = false;
};

enum class AggregateKind { Count, Sum, Avg, Min, Max, Collect, LinearGradient, Last };

struct AggregateFunction {
  const char* name;
  AggregateKind kind;
  const char* description;
};

const ScalarFunction* findScalarFunction(std::string_view name);
const AggregateFunction* findAggregateFunction(std::string_view name);
//! All function names, for "did you mean".
std::vector<std::string> allFunctionNames();
const std::vector<ScalarFunction>& builtinScalarFunctions();
//! drasi.trueFor, trueUntil, trueLater, trueNowOrLater, future, awaiting, previousValue and
//! previousDistinctValue.
const std::vector<ScalarFunction>& futureFunctions();
//! Not callable by name: the binder turns `x < datetime.realtime() - d` (and the other orderings)
//! in a MATCH … WHERE into this, so the row is re-evaluated when the clock crosses x.
const ScalarFunction& clockComparisonFunction();
//! toUpper, trim, reverse, left, substring, split and the other text functions.
const std::vector<ScalarFunction>& textFunctions();
//! Trigonometry, logarithms, rand and randomUUID.
const std::vector<ScalarFunction>& mathFunctions();
//! datetime, localdatetime, date, time, localtime, their clock variants (datetime.transaction,
//! date.realtime, …) and truncations.
const std::vector<ScalarFunction>& calendarFunctions();
//! coll.* and drasi.listMin/listMax/stdevp.
const std::vector<ScalarFunction>& listFunctions();
//! Every scalar table above, in lookup order.
const std::vector<const std::vector<ScalarFunction>*>& scalarFunctionTables();
const std::vector<AggregateFunction>& builtinAggregateFunctions();

//! Why a function Drasi registers is rejected (retainHistory, the past functions), or null
//! for any other name.
const char* unsupportedFunctionReason(std::string_view name);

}  // namespace livedash::engine
