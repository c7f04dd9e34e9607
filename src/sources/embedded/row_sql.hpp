// src/sources/embedded/row_sql.hpp
//
// SQL text and row reading for the row API: quoted identifiers, the WHERE clause that finds the
// row behind an element id, and result rows typed by the table's columns. Values are always bound
// as parameters, never spliced into SQL text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "sources/embedded/sqlite_handle.hpp"
#include "sources/embedded/table_catalog.hpp"

namespace livedash::sources::embedded {

//! `"name"`, with embedded quotes doubled.
std::string quoteIdent(std::string_view name);

//! A WHERE clause (without the keyword) and the parameters it binds, in order.
struct KeyFilter {
  std::string where;
  std::vector<core::Value> binds;
};

//! The row whose element id is `table:pk_text`. A composite key is split at "_" when that gives
//! exactly one part per key column, and otherwise matched against the joined text (slower, but
//! right when key values themselves contain "_"). Throws NotFound when the text cannot name a row.
KeyFilter keyFilterFromText(const TableInfo& table, std::string_view pk_text);

//! The row with these storage-class key values (one per key column, or the rowid).
KeyFilter keyFilterFromValues(const TableInfo& table, const std::vector<core::Value>& key);

//! The key columns (or the rowid), quoted and comma-separated, for SELECT, RETURNING, ORDER BY.
std::string keyColumnList(const TableInfo& table);

//! The current row of a `SELECT *`-shaped statement as a map, typed by the table's columns.
core::Map readRowMap(const SqliteStatement& stmt, const TableInfo& table);

//! The row matching `filter`, or nullopt.
std::optional<core::Map> selectRow(sqlite3* db, const TableInfo& table, const KeyFilter& filter);

}  // namespace livedash::sources::embedded
