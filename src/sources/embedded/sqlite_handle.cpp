// src/sources/embedded/sqlite_handle.cpp
#include "sources/embedded/sqlite_handle.hpp"

#include <climits>

#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources::embedded {

core::ErrorCode errorCodeForSqlite(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_CONSTRAINT:
      return core::ErrorCode::ConstraintViolation;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::ErrorCode::SourceUnavailable;
    case SQLITE_AUTH:
      return core::ErrorCode::BadRequest;
    case SQLITE_NOMEM:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_INTERNAL:
    case SQLITE_MISUSE:
      return core::ErrorCode::Internal;
    default:
      return core::ErrorCode::SqlError;
  }
}

void throwSqliteError(sqlite3* db, int result_code) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  throw core::Error(errorCodeForSqlite(result_code), std::move(message));
}

void SqliteDb::open(const std::string& path, const char* vfs_name) {
  close();
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs_name);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    close();
    throw core::Error(core::ErrorCode::SourceUnavailable,
                      "cannot open embedded store '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

void SqliteDb::close() {
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

void SqliteDb::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw core::Error(errorCodeForSqlite(rc), std::move(message));
  }
}

bool SqliteDb::inTransaction() const {
  return db_ != nullptr && sqlite3_get_autocommit(db_) == 0;
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql, std::string_view* tail)
    : db_(db) {
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    throw core::Error(core::ErrorCode::PayloadTooLarge, "SQL text is too long");
  }
  const char* rest = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, &rest);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throwSqliteError(db, rc);
  }
  if (tail != nullptr) {
    *tail =
        rest != nullptr ? sql.substr(static_cast<size_t>(rest - sql.data())) : std::string_view();
  }
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  throwSqliteError(db_, rc);
}

void SqliteStatement::bind(int index, const core::Value& value) {
  const int rc = bindValue(stmt_, index, value);
  if (rc != SQLITE_OK) {
    throwSqliteError(db_, rc);
  }
}

void SqliteStatement::bindAll(const std::vector<core::Value>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    bind(static_cast<int>(i + 1), values[i]);
  }
}

int SqliteStatement::columnCount() const {
  return sqlite3_column_count(stmt_);
}

std::string SqliteStatement::columnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name != nullptr ? name : std::string();
}

std::string SqliteStatement::columnDeclType(int column) const {
  const char* type = sqlite3_column_decltype(stmt_, column);
  return type != nullptr ? type : std::string();
}

core::Value SqliteStatement::columnValue(int column) const {
  return columnStorageValue(stmt_, column);
}

}  // namespace livedash::sources::embedded
