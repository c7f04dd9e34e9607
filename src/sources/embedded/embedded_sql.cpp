// src/sources/embedded/embedded_sql.cpp
//
// EmbeddedSource::executeSql: user SQL text, one or more statements, as one transaction.
#include <memory>

#include "core/error.hpp"
#include "sources/embedded/embedded_source.hpp"
#include "sources/embedded/row_sql.hpp"
#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_value.hpp"
#include "sources/embedded/user_sql_guard.hpp"

namespace livedash::sources {
namespace {

// Result columns typed by their declared type when they come straight from a table column.
std::vector<embedded::ColumnKind> resultKinds(const embedded::SqliteStatement& stmt) {
  std::vector<embedded::ColumnKind> kinds;
  const int count = stmt.columnCount();
  kinds.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    kinds.push_back(embedded::columnKindForDeclType(stmt.columnDeclType(i)));
  }
  return kinds;
}

void readResult(embedded::SqliteStatement& stmt, size_t max_rows, SqlResult& result) {
  const int count = stmt.columnCount();
  if (count == 0) {
    while (stmt.step()) {
    }
    return;
  }
  result.columns.clear();
  result.rows.clear();
  result.truncated = false;
  for (int i = 0; i < count; ++i) {
    result.columns.push_back(stmt.columnName(i));
  }
  const std::vector<embedded::ColumnKind> kinds = resultKinds(stmt);
  while (stmt.step()) {
    if (result.rows.size() >= max_rows) {
      // Keep stepping: a RETURNING statement applies its writes as it goes.
      result.truncated = true;
      continue;
    }
    core::List row;
    row.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      row.push_back(embedded::typedValue(stmt.columnValue(i), kinds[static_cast<size_t>(i)]));
    }
    result.rows.push_back(std::move(row));
  }
}

}  // namespace

SqlResult EmbeddedSource::executeSql(std::string_view sql) {
  std::lock_guard lock(mutex_);
  openLocked();
  SqlResult result;
  writeTransaction([&] {
    embedded::UserSqlGuard guard(db_.get());
    try {
      std::string_view rest = sql;
      while (!rest.empty()) {
        embedded::SqliteStatement stmt(db_.get(), rest, &rest);
        if (stmt.empty()) {
          continue;
        }
        for (const std::string& table : guard.takeDroppedTables()) {
          captureTableDropLocked(table);
        }
        const int64_t total_before = sqlite3_total_changes64(db_.get());
        readResult(stmt, options_.max_result_rows, result);
        // sqlite3_changes keeps its old value after statements that change no rows (SELECT,
        // CREATE), so count it only when this statement changed something.
        if (sqlite3_total_changes64(db_.get()) != total_before) {
          result.changes += sqlite3_changes64(db_.get());
        }
      }
    } catch (const core::Error& e) {
      if (guard.schemaChanged()) {
        catalog_stale_ = true;
      }
      if (!guard.denial().empty() && e.code() == core::ErrorCode::BadRequest) {
        throw core::Error(core::ErrorCode::BadRequest, guard.denial());
      }
      throw;
    }
    if (guard.schemaChanged()) {
      catalog_stale_ = true;
    }
  });
  return result;
}

void EmbeddedSource::captureTableDropLocked(const std::string& table_name) {
  // The catalog may not know a table created earlier in this same request.
  catalog_stale_ = true;
  const TableInfo* found = catalogLocked().find(table_name);
  if (found == nullptr) {
    return;
  }
  auto table = std::make_shared<const TableInfo>(*found);
  const bool by_rowid = !table->hasDeclaredKey();
  embedded::SqliteStatement stmt(
      db_.get(), "SELECT " + (by_rowid ? embedded::quoteIdent(table->rowid_name) + ", " : "") +
                     "* FROM " + embedded::quoteIdent(table->name));
  const int first = by_rowid ? 1 : 0;
  while (stmt.step()) {
    embedded::RawRowChange change;
    change.op = core::ChangeOp::Delete;
    change.table = table->name;
    change.dropped_table = table;
    const core::Value rowid = by_rowid ? stmt.columnValue(0) : core::Value();
    change.old_rowid = rowid.isInteger() ? rowid.asInteger() : 0;
    for (size_t i = 0; i < table->columns.size(); ++i) {
      change.before.push_back(stmt.columnValue(first + static_cast<int>(i)));
    }
    capture_.record(std::move(change));
  }
}

}  // namespace livedash::sources
