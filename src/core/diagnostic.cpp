// src/core/diagnostic.cpp
#include "core/diagnostic.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace livedash::core {

LineColumn lineColumnAt(std::string_view text, uint32_t offset) {
  LineColumn lc;
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  for (uint32_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

Diagnostic diagnosticAt(std::string_view text, SourceSpan span, std::string message,
                        std::string hint) {
  Diagnostic d;
  d.position = lineColumnAt(text, span.offset);
  d.message = std::move(message);
  d.hint = std::move(hint);
  uint32_t offset = std::min<uint32_t>(span.offset, static_cast<uint32_t>(text.size()));
  size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string_view::npos)
    line_end = text.size();
  d.excerpt = std::string(text.substr(line_start, line_end - line_start));
  d.caret_column = offset - static_cast<uint32_t>(line_start) + 1;
  uint32_t room = static_cast<uint32_t>(line_end - offset);
  d.caret_length = std::max<uint32_t>(1, std::min(span.length, room));
  return d;
}

std::string formatDiagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out += fmt::format("{}:{}:{}: ", d.file, d.position.line, d.position.column);
  } else {
    out += fmt::format("line {}, column {}: ", d.position.line, d.position.column);
  }
  if (!d.key_path.empty()) {
    out += d.key_path + ": ";
  }
  out += d.message;
  out += '\n';
  if (d.caret_column > 0) {
    std::string gutter = fmt::format("{:>6} | ", d.position.line);
    out += gutter + d.excerpt + '\n';
    out += std::string(gutter.size() - 2, ' ') + "| ";
    // Reproduce tabs so the caret lines up under tab-indented text.
    for (uint32_t i = 0; i + 1 < d.caret_column && i < d.excerpt.size(); ++i) {
      out += d.excerpt[i] == '\t' ? '\t' : ' ';
    }
    out += std::string(d.caret_length, '^');
    out += '\n';
  }
  if (!d.hint.empty()) {
    out += "  hint: " + d.hint + '\n';
  }
  return out;
}

std::string formatDiagnostics(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    out += formatDiagnostic(d);
  }
  return out;
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& c : candidates) {
    size_t d = editDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace livedash::core
