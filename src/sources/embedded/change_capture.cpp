// src/sources/embedded/change_capture.cpp
#include "sources/embedded/change_capture.hpp"

#include <cstring>

#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources::embedded {
namespace {

using RowReader = int (*)(sqlite3*, int, sqlite3_value**);

std::vector<core::Value> readRow(sqlite3* db, RowReader reader) {
  const int count = sqlite3_preupdate_count(db);
  std::vector<core::Value> row;
  row.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    sqlite3_value* value = nullptr;
    row.push_back(reader(db, i, &value) == SQLITE_OK && value != nullptr ? storageValue(value)
                                                                         : core::Value());
  }
  return row;
}

}  // namespace

void ChangeCapture::attach(sqlite3* db) {
  sqlite3_preupdate_hook(
      db,
      [](void* self, sqlite3* hook_db, int op, const char* db_name, const char* table,
         sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
        onPreUpdate(self, hook_db, op, db_name, table, old_rowid, new_rowid);
      },
      this);
}

void ChangeCapture::detach(sqlite3* db) {
  sqlite3_preupdate_hook(db, nullptr, nullptr);
}

std::vector<RawRowChange> ChangeCapture::take() {
  std::vector<RawRowChange> out;
  out.swap(pending_);
  return out;
}

void ChangeCapture::onPreUpdate(void* self, sqlite3* db, int op, const char* db_name,
                                const char* table, int64_t old_rowid, int64_t new_rowid) noexcept {
  // Only the store itself: TEMP tables and SQLite's own tables are not part of the data.
  if (std::strcmp(db_name, "main") != 0 || std::strncmp(table, "sqlite_", 7) == 0) {
    return;
  }
  RawRowChange change;
  change.table = table;
  change.old_rowid = old_rowid;
  change.new_rowid = new_rowid;
  switch (op) {
    case SQLITE_INSERT:
      change.op = core::ChangeOp::Insert;
      change.after = readRow(db, sqlite3_preupdate_new);
      break;
    case SQLITE_UPDATE:
      change.op = core::ChangeOp::Update;
      change.before = readRow(db, sqlite3_preupdate_old);
      change.after = readRow(db, sqlite3_preupdate_new);
      break;
    case SQLITE_DELETE:
      change.op = core::ChangeOp::Delete;
      change.before = readRow(db, sqlite3_preupdate_old);
      break;
    default:
      return;
  }
  static_cast<ChangeCapture*>(self)->pending_.push_back(std::move(change));
}

}  // namespace livedash::sources::embedded
