// src/sources/embedded/sqlite_value.hpp
//
// Values between SQLite and livedash. Reading is two steps: the storage class gives a raw value
// (INTEGER → Integer, REAL → Float, TEXT → String, NULL → Null, BLOB → "\x…" hex text), then the
// column's kind refines it (DateTime parsed from text, Bool from 0/1, Float for decimals). Writing
// is the reverse: Bool as 0/1, DateTime as `YYYY-MM-DD HH:MM:SS.fff` UTC text.
#pragma once

#include <string>
#include <string_view>

#include "core/value.hpp"
#include "sources/embedded/table_catalog.hpp"

struct sqlite3_stmt;
struct sqlite3_value;

namespace livedash::sources::embedded {

//! A protected sqlite3_value (hook arguments, function arguments) by storage class.
core::Value storageValue(sqlite3_value* value);
//! A result column of the current row by storage class.
core::Value columnStorageValue(sqlite3_stmt* stmt, int column);

//! Refines a storage-class value by the column's kind. Text that is not a timestamp stays text.
core::Value typedValue(core::Value storage, ColumnKind kind);

//! Binds `value` as parameter `index`; returns SQLite's result code. Throws BadRequest for lists,
//! maps and durations, which no column can hold.
int bindValue(sqlite3_stmt* stmt, int index, const core::Value& value);

//! Checks and converts a value written to `column` through the row API, so that, as in
//! PostgreSQL, "abc" is not stored in an INTEGER column. Throws BadRequest naming the column.
core::Value coerceForColumn(const core::Value& value, const ColumnInfo& column);

//! Text of one key column in an element id: integers in decimal, reals as CAST(x AS TEXT) prints
//! them, text as is, NULL as "".
std::string keyPartText(const core::Value& storage);

}  // namespace livedash::sources::embedded
