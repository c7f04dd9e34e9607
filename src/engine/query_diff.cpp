// src/engine/query_diff.cpp
#include "engine/query_diff.hpp"

#include <fmt/format.h>

#include "core/json.hpp"

namespace livedash::engine {

void appendRowJson(std::string& out, const std::vector<std::string>& columns,
                   const std::vector<core::Value>& row) {
  out.push_back('{');
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    core::appendJsonString(out, columns[i]);
    out.push_back(':');
    core::appendJson(out, row[i]);
  }
  out.push_back('}');
}

namespace {

void appendRows(std::string& out, const std::vector<std::string>& columns,
                const std::vector<std::vector<core::Value>>& rows) {
  out.push_back('[');
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    appendRowJson(out, columns, rows[i]);
  }
  out.push_back(']');
}

}  // namespace

std::string diffJson(const QueryDiff& diff) {
  const std::vector<std::string>& columns = *diff.columns;
  std::string out = R"({"queryId":)";
  core::appendJsonString(out, diff.query_id);
  fmt::format_to(std::back_inserter(out), R"(,"sequence":{},"timestamp":{},"added":)",
                 diff.sequence, diff.timestamp_ms);
  appendRows(out, columns, diff.added);
  out.append(R"(,"updated":[)");
  for (size_t i = 0; i < diff.updated.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    out.append(R"({"before":)");
    appendRowJson(out, columns, diff.updated[i].first);
    out.append(R"(,"after":)");
    appendRowJson(out, columns, diff.updated[i].second);
    out.push_back('}');
  }
  out.append(R"(],"deleted":)");
  appendRows(out, columns, diff.deleted);
  out.push_back('}');
  return out;
}

std::string rowsJson(const QuerySnapshot& snapshot) {
  std::string out;
  appendRows(out, *snapshot.columns, snapshot.rows);
  return out;
}

}  // namespace livedash::engine
