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

std::vector<core::Diagnostic> checkRunnable(const config::ServerConfig& config) {
  std::vector<core::Diagnostic> out;
  for (const config::SourceConfig& s : config.sources) {
    if (s.kind == config::SourceKind::Postgres) {
      core::Diagnostic d;
      d.file = s.location.file.empty() ? config.file : s.location.file;
      d.key_path = s.location.key_path;
      d.position = s.location.position;
      d.message = "PostgreSQL sources are not available in this build yet";
      d.hint = "use `kind: embedded` for now";
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace livedash::app
