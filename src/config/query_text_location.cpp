// src/config/query_text_location.cpp
//
// YAML moves text around (block indentation is removed, folded lines are joined), but every file
// line of a scalar still appears verbatim, in order, in its parsed text. So each trimmed file line
// is found in the text just after the previous one, and that pairs text offsets with file lines.
#include "config/query_text_location.hpp"

#include <algorithm>

namespace livedash::config {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

struct Matcher {
  std::string_view file;
  std::string_view text;
  size_t cursor = 0;  //!< text consumed so far
  std::vector<QueryTextSegment> segments;

  bool done() const { return cursor >= text.size(); }

  // Pairs `content` (a view into `file`) with the text right after the cursor, skipping only the
  // whitespace YAML may have put between lines.
  bool match(std::string_view content, size_t line_start, uint32_t line_number) {
    size_t found = text.find(content, cursor);
    if (found == std::string_view::npos ||
        !std::all_of(text.begin() + cursor, text.begin() + found, isSpace)) {
      return false;
    }
    uint32_t column = static_cast<uint32_t>(content.data() - (file.data() + line_start)) + 1;
    segments.push_back(QueryTextSegment{static_cast<uint32_t>(found),
                                        static_cast<uint32_t>(content.size()),
                                        core::LineColumn{line_number, column}});
    cursor = found + content.size();
    return true;
  }
};

size_t lineEnd(std::string_view file, size_t line_start) {
  return std::min(file.find('\n', line_start), file.size());
}

// Content starts on the line after the `|` or `>` header and ends at the first non-blank line
// indented less than the first content line.
void matchBlock(Matcher& m, size_t header_offset, uint32_t header_line) {
  size_t line_start = lineEnd(m.file, header_offset) + 1;
  uint32_t line_number = header_line + 1;
  size_t block_indent = 0;
  for (; line_start < m.file.size() && !m.done(); ++line_number) {
    size_t end = lineEnd(m.file, line_start);
    std::string_view line = m.file.substr(line_start, end - line_start);
    std::string_view content = trimmed(line);
    if (!content.empty()) {
      size_t indent = static_cast<size_t>(content.data() - line.data());
      block_indent = block_indent == 0 ? indent : block_indent;
      if (indent < block_indent || !m.match(content, line_start, line_number)) {
        return;
      }
    }
    line_start = end + 1;
  }
}

// Plain and quoted scalars start at the mark and continue on following lines until the text is
// used up. Escapes in quoted text stop the matching; the caller falls back to the first line.
void matchFlow(Matcher& m, size_t offset, size_t line_start, uint32_t line_number, char quote) {
  size_t from = offset + (quote != 0 ? 1 : 0);
  while (line_start < m.file.size() && !m.done()) {
    size_t end = lineEnd(m.file, line_start);
    std::string_view content = trimmed(m.file.substr(from, end - from));
    if (quote != 0 && !content.empty() && content.back() == quote) {
      content.remove_suffix(1);
    }
    if (!content.empty() && !m.match(content, line_start, line_number)) {
      return;
    }
    line_start = end + 1;
    from = line_start;
    ++line_number;
  }
}

// Skips a tag or anchor (`!!str `, `&name `) written before the scalar itself.
size_t skipProperties(std::string_view file, size_t offset) {
  while (offset < file.size() && (file[offset] == '!' || file[offset] == '&')) {
    while (offset < file.size() && !isSpace(file[offset])) {
      ++offset;
    }
    while (offset < file.size() && (file[offset] == ' ' || file[offset] == '\t')) {
      ++offset;
    }
  }
  return offset;
}

}  // namespace

std::vector<QueryTextSegment> locateScalarText(std::string_view file_text, uint32_t scalar_offset,
                                               std::string_view text) {
  size_t offset = skipProperties(file_text, scalar_offset);
  if (offset >= file_text.size() || text.empty()) {
    return {};
  }
  core::LineColumn start = core::lineColumnAt(file_text, static_cast<uint32_t>(offset));
  Matcher m{file_text, text};
  char first = file_text[offset];
  char quote = first == '"' || first == '\'' ? first : 0;
  if (first == '|' || first == '>') {
    matchBlock(m, offset, start.line);
  } else {
    matchFlow(m, offset, offset - (start.column - 1), start.line, quote);
  }
  if (m.segments.empty()) {
    // Nothing matched (escapes, odd layout): place the text where it starts, on one line.
    bool block = first == '|' || first == '>';
    core::LineColumn origin =
        block ? core::LineColumn{start.line + 1, 1}
              : core::LineColumn{start.line, start.column + (quote != 0 ? 1 : 0)};
    m.segments.push_back(QueryTextSegment{0, static_cast<uint32_t>(text.size()), origin});
  }
  return std::move(m.segments);
}

core::LineColumn QueryConfig::fileLocationOf(uint32_t offset) const {
  if (text_segments.empty()) {
    return core::lineColumnAt(query, offset);
  }
  auto after = std::upper_bound(
      text_segments.begin(), text_segments.end(), offset,
      [](uint32_t o, const QueryTextSegment& segment) { return o < segment.text_offset; });
  const QueryTextSegment& segment = after == text_segments.begin() ? *after : *(after - 1);
  uint32_t delta = offset < segment.text_offset ? 0 : offset - segment.text_offset;
  return core::LineColumn{segment.file_position.line,
                          segment.file_position.column + std::min(delta, segment.length)};
}

core::Diagnostic queryTextDiagnostic(const QueryConfig& query, core::SourceSpan span,
                                     std::string message, std::string hint) {
  core::Diagnostic d = core::diagnosticAt(query.query, span, std::move(message), std::move(hint));
  d.file = query.text_location.file;
  d.key_path = query.text_location.key_path;
  d.position = query.fileLocationOf(span.offset);
  return d;
}

}  // namespace livedash::config
