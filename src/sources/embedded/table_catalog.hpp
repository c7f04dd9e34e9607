// src/sources/embedded/table_catalog.hpp
//
// What the embedded store knows about its user tables: columns in storage order, declared types,
// primary key, and how each column's values map to core::Value. Loaded from SQLite's own schema;
// EmbeddedSource reloads it after any statement that changes the schema.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace livedash::sources::embedded {

//! How stored values of a column become core::Values (derived from the declared type):
//! TIMESTAMP/DATETIME/DATE → DateTime, BOOL → Bool, REAL/FLOAT/DOUBLE/DECIMAL/NUMERIC → Float
//! (so 100.00 stays a float), INT → Integer, CHAR/TEXT/CLOB → Text, anything else → Any
//! (the storage class decides).
enum class ColumnKind : uint8_t { Any, Integer, Float, Text, DateTime, Bool };

ColumnKind columnKindForDeclType(std::string_view declared_type);

struct ColumnInfo {
  std::string name;
  std::string declared_type;
  //! 0 when not part of the primary key, else the 1-based position in it.
  int pk = 0;
  ColumnKind kind = ColumnKind::Any;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;
  //! Indexes into `columns` of the primary key, in key order. Empty: the rowid is the key.
  std::vector<size_t> key_columns;
  //! A name that reaches the rowid without colliding with a column (`rowid`, `_rowid_` or `oid`).
  std::string rowid_name = "rowid";

  bool hasDeclaredKey() const { return !key_columns.empty(); }
  //! Case-insensitive, as SQLite resolves names. Null when there is no such column.
  const ColumnInfo* findColumn(std::string_view column) const;
  std::vector<std::string> columnNames() const;
};

class TableCatalog {
 public:
  //! Reads every table of the main schema except SQLite's own (`sqlite_%`). Throws on error.
  void load(sqlite3* db);
  //! Exact name first, then case-insensitive. Null when unknown.
  const TableInfo* find(std::string_view table) const;
  const std::vector<TableInfo>& tables() const { return tables_; }
  std::vector<std::string> names() const;

 private:
  std::vector<TableInfo> tables_;  //!< sorted by name
};

//! ASCII case-insensitive equality (SQLite identifiers).
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace livedash::sources::embedded
