// src/core/diagnostic.hpp
//
// The only place that draws carets. A Diagnostic is a located error: where (file, key path,
// line:column), what, and optionally the text line with a run of `^` under the offending token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace livedash::core {

struct LineColumn {
  uint32_t line = 1;    //!< 1-based
  uint32_t column = 1;  //!< 1-based, in bytes
};

//! Line and column of a byte offset in text.
LineColumn lineColumnAt(std::string_view text, uint32_t offset);

struct Diagnostic {
  std::string file;      //!< may be empty (a query sent over REST)
  std::string key_path;  //!< such as `queries[1].query`; may be empty
  LineColumn position;
  std::string message;
  std::string hint;
  //! The source line the error is on, and the caret run under it (column is 1-based in it).
  std::string excerpt;
  uint32_t caret_column = 0;  //!< 0 means no caret
  uint32_t caret_length = 1;
};

//! Builds a diagnostic for a span inside `text`, with the excerpt and caret filled in.
Diagnostic diagnosticAt(std::string_view text, SourceSpan span, std::string message,
                        std::string hint = {});

//! Renders like a compiler:
//!   server.yaml:22:9: queries[1].query: unknown variable `x`
//!      22 |   WHERE x.status = 'a'
//!         |         ^
//!   hint: did you mean `o`?
std::string formatDiagnostic(const Diagnostic& d);
std::string formatDiagnostics(const std::vector<Diagnostic>& ds);

//! Levenshtein distance, for "did you mean" suggestions.
size_t editDistance(std::string_view a, std::string_view b);
//! The closest candidate within distance 2 (case-insensitive), or empty.
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace livedash::core
