// src/sources/embedded/row_sql.cpp
#include "sources/embedded/row_sql.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources::embedded {
namespace {

template <typename T>
bool parseWhole(std::string_view s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return !s.empty() && ec == std::errc() && ptr == end;
}

// A key part from an id, bound so that it compares equal to the stored value. Columns with
// numeric or text affinity convert a text operand themselves; typeless columns do not, so give
// them the number the text spells.
core::Value keyPartBinding(const ColumnInfo& column, std::string_view text) {
  if (column.kind != ColumnKind::Any) {
    return core::Value(text);
  }
  int64_t i = 0;
  if (parseWhole(text, i)) {
    return core::Value(i);
  }
  double d = 0;
  if (parseWhole(text, d)) {
    return core::Value(d);
  }
  return core::Value(text);
}

[[noreturn]] void noSuchRow(const TableInfo& table, std::string_view pk_text) {
  throw core::Error(core::ErrorCode::NotFound,
                    "no row '" + std::string(pk_text) + "' in table '" + table.name + "'");
}

}  // namespace

std::string quoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') {
      out.push_back('"');
    }
  }
  out.push_back('"');
  return out;
}

KeyFilter keyFilterFromText(const TableInfo& table, std::string_view pk_text) {
  KeyFilter filter;
  if (!table.hasDeclaredKey()) {
    int64_t rowid = 0;
    if (!parseWhole(pk_text, rowid)) {
      noSuchRow(table, pk_text);
    }
    filter.where = quoteIdent(table.rowid_name) + " = ?";
    filter.binds.emplace_back(rowid);
    return filter;
  }
  const size_t parts = table.key_columns.size();
  if (static_cast<size_t>(std::count(pk_text.begin(), pk_text.end(), '_')) + 1 == parts ||
      parts == 1) {
    size_t start = 0;
    for (size_t i = 0; i < parts; ++i) {
      const size_t end = i + 1 == parts ? pk_text.size() : pk_text.find('_', start);
      const ColumnInfo& column = table.columns[table.key_columns[i]];
      if (i > 0) {
        filter.where += " AND ";
      }
      filter.where += quoteIdent(column.name) + " = ?";
      filter.binds.push_back(keyPartBinding(column, pk_text.substr(start, end - start)));
      start = end + 1;
    }
    return filter;
  }
  filter.where = "(";
  for (size_t i = 0; i < parts; ++i) {
    if (i > 0) {
      filter.where += " || '_' || ";
    }
    filter.where += "CAST(" + quoteIdent(table.columns[table.key_columns[i]].name) + " AS TEXT)";
  }
  filter.where += ") = ?";
  filter.binds.emplace_back(pk_text);
  return filter;
}

KeyFilter keyFilterFromValues(const TableInfo& table, const std::vector<core::Value>& key) {
  KeyFilter filter;
  if (!table.hasDeclaredKey()) {
    filter.where = quoteIdent(table.rowid_name) + " = ?";
  } else {
    for (size_t i = 0; i < table.key_columns.size(); ++i) {
      if (i > 0) {
        filter.where += " AND ";
      }
      filter.where += quoteIdent(table.columns[table.key_columns[i]].name) + " IS ?";
    }
  }
  filter.binds = key;
  return filter;
}

std::string keyColumnList(const TableInfo& table) {
  if (!table.hasDeclaredKey()) {
    return quoteIdent(table.rowid_name);
  }
  std::string out;
  for (size_t i = 0; i < table.key_columns.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += quoteIdent(table.columns[table.key_columns[i]].name);
  }
  return out;
}

core::Map readRowMap(const SqliteStatement& stmt, const TableInfo& table) {
  core::Map row;
  const int count = stmt.columnCount();
  for (int i = 0; i < count; ++i) {
    std::string name = stmt.columnName(i);
    const ColumnInfo* column = table.findColumn(name);
    core::Value value = stmt.columnValue(i);
    row.insert_or_assign(std::move(name),
                         column != nullptr ? typedValue(std::move(value), column->kind) : value);
  }
  return row;
}

std::optional<core::Map> selectRow(sqlite3* db, const TableInfo& table, const KeyFilter& filter) {
  SqliteStatement stmt(db, "SELECT * FROM " + quoteIdent(table.name) + " WHERE " + filter.where);
  stmt.bindAll(filter.binds);
  if (!stmt.step()) {
    return std::nullopt;
  }
  return readRowMap(stmt, table);
}

}  // namespace livedash::sources::embedded
