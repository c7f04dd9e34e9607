// src/sources/embedded/sqlite_handle.hpp
//
// RAII owners for a SQLite connection and a prepared statement, and the mapping of SQLite result
// codes to livedash error codes. Not thread-safe: EmbeddedSource serialises all use.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/value.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace livedash::sources::embedded {

//! CONSTRAINT → ConstraintViolation, BUSY/LOCKED → SourceUnavailable, AUTH → BadRequest,
//! I/O, corruption and out-of-memory → Internal, the rest (syntax, no such table, ...) → SqlError.
core::ErrorCode errorCodeForSqlite(int result_code);

//! Throws core::Error carrying SQLite's own message for the connection's last error.
[[noreturn]] void throwSqliteError(sqlite3* db, int result_code);

class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb() { close(); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  //! Opens (creating if needed) `path` through the VFS named `vfs_name`, with extended result
  //! codes on. Throws SourceUnavailable when the file cannot be opened.
  void open(const std::string& path, const char* vfs_name);
  void close();
  bool isOpen() const { return db_ != nullptr; }
  sqlite3* get() const { return db_; }

  //! Runs SQL text (one or more statements) whose rows, if any, are not needed. Throws.
  void exec(const std::string& sql);
  //! Whether a transaction is open (SQLite is not in autocommit mode).
  bool inTransaction() const;

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  //! Prepares the first statement of `sql`. When `tail` is given it receives the unparsed rest,
  //! and the statement may be empty() (the text held only whitespace or comments). Throws.
  SqliteStatement(sqlite3* db, std::string_view sql, std::string_view* tail = nullptr);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;

  bool empty() const { return stmt_ == nullptr; }
  sqlite3_stmt* get() const { return stmt_; }

  //! True when a row is ready, false when the statement is done. Throws on error.
  bool step();
  //! Binds a parameter (1-based). Lists, maps and durations are a BadRequest.
  void bind(int index, const core::Value& value);
  void bindAll(const std::vector<core::Value>& values);

  int columnCount() const;
  std::string columnName(int column) const;
  //! The declared type of a result column that comes straight from a table, else "".
  std::string columnDeclType(int column) const;
  //! The column of the current row by storage class (INTEGER, REAL, TEXT, NULL; BLOB as \x hex).
  core::Value columnValue(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace livedash::sources::embedded
