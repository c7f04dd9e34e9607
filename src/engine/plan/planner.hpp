// src/engine/plan/planner.hpp
#pragma once

#include <string_view>

#include "core/value.hpp"
#include "engine/plan/query_plan.hpp"
#include "query/ast.hpp"

namespace livedash::engine {

//! Binds names and builds the plan. Throws core::Error (QuerySemantic or QueryUnsupported) with
//! the span of the offending expression and, for unknown names, a "did you mean" hint.
QueryPlan planQuery(const query::Query& query, const core::Map& parameters,
                    const std::vector<JoinSpec>& joins = {});

}  // namespace livedash::engine
