// src/sources/embedded/change_capture.hpp
//
// Records every row written on a connection, through SQLite's preupdate hook, which fires for
// each row a statement or a trigger inserts, updates or deletes (also rows removed by REPLACE and
// by `DELETE FROM t` without WHERE: SQLite turns its truncate shortcut off while a hook is set).
// Values are copied by storage class; mapping them to elements needs the catalog and happens at
// commit (change_builder.hpp). Not thread-safe: the owner serialises use of the connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "sources/embedded/table_catalog.hpp"

struct sqlite3;

namespace livedash::sources::embedded {

struct RawRowChange {
  core::ChangeOp op = core::ChangeOp::Insert;
  std::string table;
  //! Rowids before and after (rowid tables only; meaningless for WITHOUT ROWID tables).
  int64_t old_rowid = 0;
  int64_t new_rowid = 0;
  //! Storage-class values in column order: `before` for Update and Delete, `after` for Insert and
  //! Update.
  std::vector<core::Value> before;
  std::vector<core::Value> after;
  //! Set for rows of a table being dropped, which the catalog will no longer know at commit.
  std::shared_ptr<const TableInfo> dropped_table;
};

class ChangeCapture {
 public:
  ChangeCapture() = default;
  ChangeCapture(const ChangeCapture&) = delete;
  ChangeCapture& operator=(const ChangeCapture&) = delete;

  //! Installs the hook on `db` (replacing any other preupdate hook). The capture must outlive the
  //! connection or be detached.
  void attach(sqlite3* db);
  void detach(sqlite3* db);

  //! Adds a change the hook cannot see (rows of a table being dropped).
  void record(RawRowChange&& change) { pending_.push_back(std::move(change)); }
  //! Changes recorded since the last take() or clear(), in the order they happened.
  std::vector<RawRowChange> take();
  void clear() { pending_.clear(); }
  bool empty() const { return pending_.empty(); }

 private:
  static void onPreUpdate(void* self, sqlite3* db, int op, const char* db_name, const char* table,
                          int64_t old_rowid, int64_t new_rowid) noexcept;

  std::vector<RawRowChange> pending_;
};

}  // namespace livedash::sources::embedded
