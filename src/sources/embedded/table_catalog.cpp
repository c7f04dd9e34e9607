// src/sources/embedded/table_catalog.cpp
#include "sources/embedded/table_catalog.hpp"

#include <algorithm>
#include <cctype>

#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_handle.hpp"

namespace livedash::sources::embedded {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<ColumnInfo> loadColumns(sqlite3* db, const std::string& table) {
  // table_xinfo also lists generated columns, which SELECT * and the preupdate hook include;
  // hidden == 1 marks virtual-table hidden columns, which they do not.
  SqliteStatement stmt(db, "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?1)");
  stmt.bind(1, core::Value(table));
  std::vector<ColumnInfo> columns;
  while (stmt.step()) {
    if (stmt.columnValue(3) == core::Value(1)) {
      continue;
    }
    ColumnInfo column;
    column.name = stmt.columnValue(0).asString();
    const core::Value type = stmt.columnValue(1);
    column.declared_type = type.isString() ? type.asString() : std::string();
    column.pk = static_cast<int>(stmt.columnValue(2).asInteger());
    column.kind = columnKindForDeclType(column.declared_type);
    columns.push_back(std::move(column));
  }
  return columns;
}

TableInfo loadTable(sqlite3* db, std::string name) {
  TableInfo table;
  table.name = std::move(name);
  table.columns = loadColumns(db, table.name);
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].pk > 0) {
      table.key_columns.push_back(i);
    }
  }
  std::sort(table.key_columns.begin(), table.key_columns.end(),
            [&](size_t a, size_t b) { return table.columns[a].pk < table.columns[b].pk; });
  for (const char* candidate : {"rowid", "_rowid_", "oid"}) {
    if (table.findColumn(candidate) == nullptr) {
      table.rowid_name = candidate;
      break;
    }
  }
  return table;
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

ColumnKind columnKindForDeclType(std::string_view declared_type) {
  const std::string t = upper(declared_type);
  if (contains(t, "TIMESTAMP") || contains(t, "DATETIME") || t.starts_with("DATE")) {
    return ColumnKind::DateTime;
  }
  if (contains(t, "BOOL")) {
    return ColumnKind::Bool;
  }
  // The order of the next checks follows SQLite's own affinity rules.
  if (contains(t, "INT")) {
    return ColumnKind::Integer;
  }
  if (contains(t, "CHAR") || contains(t, "CLOB") || contains(t, "TEXT")) {
    return ColumnKind::Text;
  }
  if (contains(t, "REAL") || contains(t, "FLOA") || contains(t, "DOUB") || contains(t, "DECIMAL") ||
      contains(t, "NUMERIC")) {
    return ColumnKind::Float;
  }
  return ColumnKind::Any;
}

const ColumnInfo* TableInfo::findColumn(std::string_view column) const {
  for (const ColumnInfo& c : columns) {
    if (equalsIgnoreCase(c.name, column)) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<std::string> TableInfo::columnNames() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const ColumnInfo& c : columns) {
    names.push_back(c.name);
  }
  return names;
}

void TableCatalog::load(sqlite3* db) {
  std::vector<std::string> names;
  {
    SqliteStatement stmt(db,
                         "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    while (stmt.step()) {
      names.push_back(stmt.columnValue(0).asString());
    }
  }
  std::vector<TableInfo> tables;
  tables.reserve(names.size());
  for (std::string& name : names) {
    tables.push_back(loadTable(db, std::move(name)));
  }
  tables_ = std::move(tables);
}

const TableInfo* TableCatalog::find(std::string_view table) const {
  for (const TableInfo& t : tables_) {
    if (t.name == table) {
      return &t;
    }
  }
  for (const TableInfo& t : tables_) {
    if (equalsIgnoreCase(t.name, table)) {
      return &t;
    }
  }
  return nullptr;
}

std::vector<std::string> TableCatalog::names() const {
  std::vector<std::string> names;
  names.reserve(tables_.size());
  for (const TableInfo& t : tables_) {
    names.push_back(t.name);
  }
  return names;
}

}  // namespace livedash::sources::embedded
