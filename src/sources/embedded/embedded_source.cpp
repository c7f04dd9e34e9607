// src/sources/embedded/embedded_source.cpp
//
// Lifecycle of the embedded store: open, schema on first use, bootstrap, and the one write path
// (a transaction whose captured rows become one batch).
#include "sources/embedded/embedded_source.hpp"

#include <fstream>
#include <sstream>

#include "core/diagnostic.hpp"
#include "core/error.hpp"
#include "sources/embedded/change_builder.hpp"
#include "sources/embedded/row_sql.hpp"
#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_clock.hpp"

namespace livedash::sources {
namespace {

std::string readSchemaFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::Error(core::ErrorCode::ConfigInvalid, "cannot read the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

EmbeddedSource::EmbeddedSource(EmbeddedSourceOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &system_clock_) {
  if (options_.path.empty()) {
    options_.path = ":memory:";
  }
}

EmbeddedSource::~EmbeddedSource() {
  std::lock_guard lock(mutex_);
  sink_ = nullptr;
  db_.close();
}

void EmbeddedSource::open() {
  std::lock_guard lock(mutex_);
  openLocked();
}

void EmbeddedSource::start(core::ChangeSink& sink) {
  std::lock_guard lock(mutex_);
  openLocked();
  core::ChangeBatch snapshot = snapshotLocked();
  sink_ = &sink;
  sink.onBatch(std::move(snapshot));
}

void EmbeddedSource::stop() {
  std::lock_guard lock(mutex_);
  sink_ = nullptr;
}

SourceStatus EmbeddedSource::status() const {
  std::lock_guard lock(mutex_);
  SourceStatus s;
  s.state = sink_ ? SourceState::Streaming : SourceState::Stopped;
  return s;
}

std::vector<TableInfo> EmbeddedSource::tables() {
  std::lock_guard lock(mutex_);
  openLocked();
  return catalogLocked().tables();
}

void EmbeddedSource::openLocked() {
  if (db_.isOpen()) {
    return;
  }
  if (sqlite3_compileoption_used("ENABLE_PREUPDATE_HOOK") == 0) {
    throw core::Error(core::ErrorCode::Internal,
                      "this libsqlite3 was built without SQLITE_ENABLE_PREUPDATE_HOOK");
  }
  if (vfs_ == nullptr) {
    vfs_ = std::make_unique<embedded::ClockVfs>(*clock_);
  }
  db_.open(options_.path, vfs_->name());
  try {
    sqlite3_busy_timeout(db_.get(), 5000);
    // Like PostgreSQL, enforce REFERENCES. SQLite ignores this PRAGMA inside a transaction, so it
    // has to be set here, once per connection.
    db_.exec("PRAGMA foreign_keys = ON");
    // Lets other programs read a file store while livedash writes (in-memory stores ignore it).
    db_.exec("PRAGMA journal_mode = WAL");
    embedded::registerNowFunction(db_.get(), *clock_);
    capture_.attach(db_.get());
    catalog_stale_ = true;
    if (catalogLocked().tables().empty() && !options_.schema_files.empty()) {
      runSchemaLocked();
    }
  } catch (...) {
    // A failed open leaves nothing behind, so the next call tries again from scratch.
    capture_.clear();
    db_.close();
    throw;
  }
}

void EmbeddedSource::runSchemaLocked() {
  db_.exec("BEGIN IMMEDIATE");
  std::string current;
  try {
    for (const std::string& file : options_.schema_files) {
      current = file;
      db_.exec(readSchemaFile(file));
    }
    db_.exec("COMMIT");
  } catch (const core::Error& e) {
    if (db_.inTransaction()) {
      db_.exec("ROLLBACK");
    }
    throw core::Error(core::ErrorCode::ConfigInvalid,
                      "schema file '" + current + "': " + std::string(e.what()));
  }
  // The schema's sample rows reach the engine through the bootstrap, not as a live batch.
  capture_.clear();
  catalog_stale_ = true;
}

const embedded::TableCatalog& EmbeddedSource::catalogLocked() {
  if (catalog_stale_) {
    catalog_.load(db_.get());
    catalog_stale_ = false;
  }
  return catalog_;
}

TableInfo EmbeddedSource::tableLocked(std::string_view name) {
  const embedded::TableCatalog& catalog = catalogLocked();
  if (const TableInfo* table = catalog.find(name)) {
    return *table;
  }
  std::string suggestion = core::closestMatch(name, catalog.names());
  throw core::Error(core::ErrorCode::NotFound, "unknown table '" + std::string(name) + "'",
                    std::nullopt,
                    suggestion.empty() ? std::string() : "did you mean '" + suggestion + "'?");
}

void EmbeddedSource::writeTransaction(const std::function<void()>& body) {
  capture_.clear();
  db_.exec("BEGIN IMMEDIATE");
  try {
    body();
    db_.exec("COMMIT");
  } catch (...) {
    capture_.clear();
    // Some errors (a failed deferred constraint at COMMIT, a full disk) leave the transaction
    // open and others end it; roll back only what is still open.
    if (db_.inTransaction()) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    throw;
  }
  deliverLocked(capture_.take());
}

void EmbeddedSource::deliverLocked(std::vector<embedded::RawRowChange>&& raw) {
  if (sink_ == nullptr || raw.empty()) {
    return;
  }
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.commit_time_ms = clock_->nowMs();
  batch.changes = embedded::buildChanges(std::move(raw), catalogLocked());
  if (!batch.changes.empty()) {
    sink_->onBatch(std::move(batch));
  }
}

core::ChangeBatch EmbeddedSource::snapshotLocked() {
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.bootstrap = true;
  batch.commit_time_ms = clock_->nowMs();
  // One read transaction, so the snapshot is consistent even if another program writes the file.
  db_.exec("BEGIN");
  try {
    appendSnapshotRows(batch);
    db_.exec("COMMIT");
  } catch (...) {
    if (db_.inTransaction()) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    throw;
  }
  return batch;
}

void EmbeddedSource::appendSnapshotRows(core::ChangeBatch& batch) {
  for (const TableInfo& table : catalogLocked().tables()) {
    const bool by_rowid = !table.hasDeclaredKey();
    embedded::SqliteStatement stmt(
        db_.get(), "SELECT " + (by_rowid ? embedded::quoteIdent(table.rowid_name) + ", " : "") +
                       "* FROM " + embedded::quoteIdent(table.name) + " ORDER BY " +
                       embedded::keyColumnList(table));
    const int first = by_rowid ? 1 : 0;
    std::vector<core::Value> storage(table.columns.size());
    while (stmt.step()) {
      for (size_t i = 0; i < storage.size(); ++i) {
        storage[i] = stmt.columnValue(first + static_cast<int>(i));
      }
      const core::Value rowid = by_rowid ? stmt.columnValue(0) : core::Value();
      core::Change change;
      change.op = core::ChangeOp::Insert;
      change.element =
          embedded::rowElement(table, storage, rowid.isInteger() ? rowid.asInteger() : 0);
      batch.changes.push_back(std::move(change));
    }
  }
}

}  // namespace livedash::sources
