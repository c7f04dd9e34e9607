// src/sources/embedded/embedded_source.hpp
//
// EmbeddedSource: a SQLite database (a file, or in memory) owned by livedash. Every write made
// through it (the SQL and row APIs below) is captured with SQLite's preupdate hook and delivered,
// once the transaction commits, as one ChangeBatch in commit order. Writes made to the file by
// other programs are not seen.
//
// Threading: every public method may be called from any thread; one mutex serialises them, and
// each write call is one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error, so a
// failed call delivers nothing and leaves nothing half-applied). The sink's onBatch is called on
// the writer's thread *while that mutex is held*; that is what keeps batches in commit order and
// the bootstrap gap-free. So the sink must be quick, must not block, must not throw, and must not
// call back into this source (hand the batch to the engine thread and return).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "sources/embedded/change_capture.hpp"
#include "sources/embedded/sqlite_handle.hpp"
#include "sources/embedded/table_catalog.hpp"
#include "sources/source.hpp"

namespace livedash::sources {

namespace embedded {
class ClockVfs;
}

struct EmbeddedSourceOptions {
  std::string id;
  //! A file path (kept across restarts), `:memory:`, or a `file:` URI.
  std::string path = ":memory:";
  //! SQL scripts run once, in order and in one transaction, when the store has no user tables.
  std::vector<std::string> schema_files;
  //! Commit times, NOW() and CURRENT_TIMESTAMP come from here. Null means the system clock.
  core::Clock* clock = nullptr;
  //! executeSql keeps at most this many result rows and sets `truncated` past it.
  size_t max_result_rows = 10'000;
};

struct SqlResult {
  //! Columns and rows of the last statement that returns rows (SELECT, or … RETURNING).
  std::vector<std::string> columns;
  std::vector<core::List> rows;
  //! Rows inserted, updated or deleted by the statements themselves (not by triggers).
  int64_t changes = 0;
  bool truncated = false;
};

using embedded::ColumnInfo;
using embedded::TableInfo;

class EmbeddedSource final : public Source {
 public:
  explicit EmbeddedSource(EmbeddedSourceOptions options);
  ~EmbeddedSource() override;
  EmbeddedSource(const EmbeddedSource&) = delete;
  EmbeddedSource& operator=(const EmbeddedSource&) = delete;

  const std::string& id() const override { return options_.id; }
  //! Opens the store if needed, delivers one bootstrap batch (an insert per row of every table,
  //! commit time = now), then each committed write as it happens. A second start re-bootstraps.
  void start(core::ChangeSink& sink) override;
  //! Stops delivering. Writes still work; a later start() bootstraps again.
  void stop() override;
  //! Streaming while started (the store is in-process: it cannot go away), else Stopped.
  SourceStatus status() const override;

  //! Opens the store and runs the schema files if it is new. Idempotent; other calls do it too.
  //! Throws SourceUnavailable (cannot open) or ConfigInvalid (a schema file fails).
  void open();

  //! Runs one or more statements as one transaction. Transaction control, ATTACH and PRAGMA
  //! writes are a BadRequest; bad SQL is a SqlError and a failed constraint a ConstraintViolation,
  //! both with SQLite's message.
  SqlResult executeSql(std::string_view sql);

  //! Inserts a row and returns it as stored (defaults and trigger changes included).
  core::Map insertRow(const std::string& table, const core::Map& values);
  //! Sets the given columns of the row `pk_text` (the id without `table:`) and returns the row.
  core::Map updateRow(const std::string& table, std::string_view pk_text, const core::Map& values);
  void deleteRow(const std::string& table, std::string_view pk_text);
  core::Map getRow(const std::string& table, std::string_view pk_text);
  //! Rows in key order (rowid order for tables without a declared key); limit 0 gives none.
  std::vector<core::Map> listRows(const std::string& table, size_t limit, size_t offset);
  std::vector<TableInfo> tables();

 private:
  void openLocked();
  void runSchemaLocked();
  const embedded::TableCatalog& catalogLocked();
  //! A copy of the table's description (the catalog may reload), or NotFound with a hint.
  TableInfo tableLocked(std::string_view name);
  //! Runs `body` in BEGIN IMMEDIATE … COMMIT and delivers what it changed; rolls back on error.
  void writeTransaction(const std::function<void()>& body);
  void deliverLocked(std::vector<embedded::RawRowChange>&& raw);
  core::ChangeBatch snapshotLocked();
  void appendSnapshotRows(core::ChangeBatch& batch);
  //! Records a delete for every row of `table`, which the statement about to run drops.
  void captureTableDropLocked(const std::string& table);
  //! Checks the values against the table's columns: canonical names, coerced values.
  std::vector<std::pair<const ColumnInfo*, core::Value>> columnValues(const TableInfo& table,
                                                                      const core::Map& values);
  //! Runs an INSERT or UPDATE whose RETURNING clause lists the key columns, then reads the row
  //! back whole, so that changes made by AFTER triggers show. Throws NotFound if nothing matched.
  core::Map writeAndReread(const TableInfo& table, const std::string& sql,
                           const std::vector<core::Value>& binds, std::string_view pk_text);

  EmbeddedSourceOptions options_;
  core::SystemClock system_clock_;
  core::Clock* clock_;
  mutable std::mutex mutex_;
  core::ChangeSink* sink_ = nullptr;
  // Destroyed bottom-up: the connection closes before the VFS it uses is unregistered.
  std::unique_ptr<embedded::ClockVfs> vfs_;
  embedded::ChangeCapture capture_;
  embedded::TableCatalog catalog_;
  bool catalog_stale_ = true;
  embedded::SqliteDb db_;
};
using EmbeddedSourcePtr = std::unique_ptr<EmbeddedSource>;

}  // namespace livedash::sources
