// src/app/query_definition.hpp
#pragma once

#include "config/query_config.hpp"
#include "engine/continuous_query.hpp"

namespace livedash::app {

//! The engine's view of a configured query: id, text, parameters and joins.
inline engine::QueryDefinition toDefinition(const config::QueryConfig& q) {
  engine::QueryDefinition d{q.id, q.query, q.params, {}};
  for (const config::JoinConfig& j : q.joins) {
    engine::JoinSpec spec{j.id, {}};
    for (const config::JoinKeyConfig& k : j.keys)
      spec.keys.push_back({k.label, k.property});
    d.joins.push_back(std::move(spec));
  }
  return d;
}

}  // namespace livedash::app
