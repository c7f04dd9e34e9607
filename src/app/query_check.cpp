// src/app/query_check.cpp
#include "app/query_check.hpp"

#include "app/query_definition.hpp"

namespace livedash::app {

std::optional<core::Diagnostic> checkQuery(const config::QueryConfig& query) {
  try {
    engine::ContinuousQuery probe(toDefinition(query));
  } catch (const core::Error& e) {
    core::SourceSpan span = e.span().value_or(core::SourceSpan{0, 1});
    return config::queryTextDiagnostic(query, span, e.what(), e.hint());
  }
  return std::nullopt;
}

std::vector<core::Diagnostic> checkQueries(const config::ServerConfig& config) {
  std::vector<core::Diagnostic> out;
  for (const config::QueryConfig& q : config.queries) {
    if (std::optional<core::Diagnostic> problem = checkQuery(q))
      out.push_back(std::move(*problem));
  }
  return out;
}

}  // namespace livedash::app
