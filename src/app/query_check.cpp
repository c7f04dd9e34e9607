// src/app/query_check.cpp
#include "app/query_check.hpp"

#include "app/query_definition.hpp"

namespace livedash::app {

std::vector<core::Diagnostic> checkQueries(const config::ServerConfig& config) {
  std::vector<core::Diagnostic> out;
  for (const config::QueryConfig& q : config.queries) {
    try {
      engine::ContinuousQuery probe(toDefinition(q));
    } catch (const core::Error& e) {
      core::SourceSpan span = e.span().value_or(core::SourceSpan{0, 1});
      out.push_back(config::queryTextDiagnostic(q, span, e.what(), e.hint()));
    }
  }
  return out;
}

}  // namespace livedash::app
