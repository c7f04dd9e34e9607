// src/sources/embedded/embedded_rows.cpp
//
// EmbeddedSource's row API: CRUD on one table by primary key, with names checked against the
// schema, identifiers quoted and values bound as parameters.
#include <limits>

#include "core/diagnostic.hpp"
#include "core/error.hpp"
#include "sources/embedded/embedded_source.hpp"
#include "sources/embedded/row_sql.hpp"
#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources {
namespace {

using embedded::quoteIdent;

[[noreturn]] void noSuchRow(const TableInfo& table, std::string_view pk_text) {
  throw core::Error(core::ErrorCode::NotFound,
                    "no row '" + std::string(pk_text) + "' in table '" + table.name + "'");
}

int64_t clampToInt64(size_t n) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(n < kMax ? n : kMax);
}

}  // namespace

std::vector<std::pair<const ColumnInfo*, core::Value>> EmbeddedSource::columnValues(
    const TableInfo& table, const core::Map& values) {
  std::vector<std::pair<const ColumnInfo*, core::Value>> out;
  for (const auto& [name, value] : values) {
    const ColumnInfo* column = table.findColumn(name);
    if (column == nullptr) {
      std::string suggestion = core::closestMatch(name, table.columnNames());
      throw core::Error(core::ErrorCode::BadRequest,
                        "unknown column '" + name + "' in table '" + table.name + "'", std::nullopt,
                        suggestion.empty() ? std::string() : "did you mean '" + suggestion + "'?");
    }
    for (const auto& [seen, unused] : out) {
      if (seen == column) {
        throw core::Error(core::ErrorCode::BadRequest,
                          "column '" + column->name + "' is given more than once");
      }
    }
    out.emplace_back(column, embedded::coerceForColumn(value, *column));
  }
  return out;
}

core::Map EmbeddedSource::writeAndReread(const TableInfo& table, const std::string& sql,
                                         const std::vector<core::Value>& binds,
                                         std::string_view pk_text) {
  core::Map row;
  writeTransaction([&] {
    std::vector<core::Value> key;
    {
      embedded::SqliteStatement stmt(db_.get(), sql);
      stmt.bindAll(binds);
      if (!stmt.step()) {
        noSuchRow(table, pk_text);
      }
      for (int i = 0; i < stmt.columnCount(); ++i) {
        key.push_back(stmt.columnValue(i));
      }
      while (stmt.step()) {
      }
    }
    auto stored = embedded::selectRow(db_.get(), table, embedded::keyFilterFromValues(table, key));
    if (!stored) {
      throw core::Error(core::ErrorCode::Conflict, "the row was removed by a trigger");
    }
    row = std::move(*stored);
  });
  return row;
}

core::Map EmbeddedSource::insertRow(const std::string& table_name, const core::Map& values) {
  std::lock_guard lock(mutex_);
  openLocked();
  const TableInfo table = tableLocked(table_name);
  const auto columns = columnValues(table, values);
  std::string sql = "INSERT INTO " + quoteIdent(table.name);
  std::vector<core::Value> binds;
  if (columns.empty()) {
    sql += " DEFAULT VALUES";
  } else {
    std::string names;
    std::string params;
    for (const auto& [column, value] : columns) {
      names += (names.empty() ? "" : ", ") + quoteIdent(column->name);
      params += params.empty() ? "?" : ", ?";
      binds.push_back(value);
    }
    sql += " (" + names + ") VALUES (" + params + ")";
  }
  sql += " RETURNING " + embedded::keyColumnList(table);
  return writeAndReread(table, sql, binds, "");
}

core::Map EmbeddedSource::updateRow(const std::string& table_name, std::string_view pk_text,
                                    const core::Map& values) {
  std::lock_guard lock(mutex_);
  openLocked();
  const TableInfo table = tableLocked(table_name);
  const auto columns = columnValues(table, values);
  const embedded::KeyFilter filter = embedded::keyFilterFromText(table, pk_text);
  if (columns.empty()) {
    auto row = embedded::selectRow(db_.get(), table, filter);
    if (!row) {
      noSuchRow(table, pk_text);
    }
    return std::move(*row);
  }
  std::string assignments;
  std::vector<core::Value> binds;
  for (const auto& [column, value] : columns) {
    assignments += (assignments.empty() ? "" : ", ") + quoteIdent(column->name) + " = ?";
    binds.push_back(value);
  }
  binds.insert(binds.end(), filter.binds.begin(), filter.binds.end());
  const std::string sql = "UPDATE " + quoteIdent(table.name) + " SET " + assignments + " WHERE " +
                          filter.where + " RETURNING " + embedded::keyColumnList(table);
  return writeAndReread(table, sql, binds, pk_text);
}

void EmbeddedSource::deleteRow(const std::string& table_name, std::string_view pk_text) {
  std::lock_guard lock(mutex_);
  openLocked();
  const TableInfo table = tableLocked(table_name);
  const embedded::KeyFilter filter = embedded::keyFilterFromText(table, pk_text);
  writeTransaction([&] {
    embedded::SqliteStatement stmt(
        db_.get(), "DELETE FROM " + quoteIdent(table.name) + " WHERE " + filter.where);
    stmt.bindAll(filter.binds);
    while (stmt.step()) {
    }
    if (sqlite3_changes64(db_.get()) == 0) {
      noSuchRow(table, pk_text);
    }
  });
}

core::Map EmbeddedSource::getRow(const std::string& table_name, std::string_view pk_text) {
  std::lock_guard lock(mutex_);
  openLocked();
  const TableInfo table = tableLocked(table_name);
  auto row = embedded::selectRow(db_.get(), table, embedded::keyFilterFromText(table, pk_text));
  if (!row) {
    noSuchRow(table, pk_text);
  }
  return std::move(*row);
}

std::vector<core::Map> EmbeddedSource::listRows(const std::string& table_name, size_t limit,
                                                size_t offset) {
  std::lock_guard lock(mutex_);
  openLocked();
  const TableInfo table = tableLocked(table_name);
  embedded::SqliteStatement stmt(db_.get(), "SELECT * FROM " + quoteIdent(table.name) +
                                                " ORDER BY " + embedded::keyColumnList(table) +
                                                " LIMIT ? OFFSET ?");
  stmt.bind(1, core::Value(clampToInt64(limit)));
  stmt.bind(2, core::Value(clampToInt64(offset)));
  std::vector<core::Map> rows;
  while (stmt.step()) {
    rows.push_back(embedded::readRowMap(stmt, table));
  }
  return rows;
}

}  // namespace livedash::sources
