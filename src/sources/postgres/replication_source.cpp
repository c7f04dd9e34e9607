// src/sources/postgres/replication_source.cpp
#include "sources/postgres/replication_source.hpp"

#include <chrono>

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include "sources/change_coalescing.hpp"
#include "sources/postgres/replication_checks.hpp"
#include "sources/postgres/tuple_changes.hpp"

namespace livedash::sources::postgres {

namespace {

using SteadyClock = std::chrono::steady_clock;

// How long one wait on the socket may last, so that stop() is noticed promptly.
constexpr int kPollSliceMs = 200;

ReplicationSetup setupOf(const ReplicationSourceOptions& o) {
  return {o.connection.user, o.connection.database, o.slot_name, o.publication_name,
          o.create_publication};
}

PgConnectionSettings replicationSettings(const PgConnectionSettings& plain) {
  PgConnectionSettings s = plain;
  s.replication = true;
  return s;
}

}  // namespace

ReplicationSource::ReplicationSource(ReplicationSourceOptions options)
    : options_(std::move(options)),
      backoff_(options_.backoff_initial_ms, options_.backoff_max_ms) {}

ReplicationSource::~ReplicationSource() {
  stop();
}

int64_t ReplicationSource::nowMs() const {
  return options_.clock ? options_.clock->nowMs() : system_clock_.nowMs();
}

void ReplicationSource::setState(SourceState state, std::string message) {
  std::lock_guard lock(status_mutex_);
  if (state == SourceState::Reconnecting && status_.state == SourceState::Streaming)
    ++status_.reconnects;
  status_.state = state;
  status_.message = std::move(message);
}

SourceStatus ReplicationSource::status() const {
  std::lock_guard lock(status_mutex_);
  SourceStatus s = status_;
  Lsn applied = progress_->applied_lsn.load();
  s.position = formatLsn(applied);
  s.last_commit_ms = progress_->last_commit_ms.load();
  Lsn received = received_lsn_.load();
  s.lag_bytes = received > applied ? static_cast<int64_t>(received - applied) : 0;
  return s;
}

bool ReplicationSource::waitUntilReady(int64_t timeout_ms) {
  std::unique_lock lock(progress_->mutex);
  return progress_->ready.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return progress_->bootstrapped.load() || status().state == SourceState::Failed;
  }) && progress_->bootstrapped.load();
}

void ReplicationSource::start(core::ChangeSink& sink) {
  stop();
  sink_ = &sink;
  stopping_ = false;
  setState(SourceState::Connecting);
  try {
    PgConnection conn(options_.connection);
    tables_ = loadTables(conn, options_.tables, options_.table_keys);
    checkReplicationSetup(conn, setupOf(options_), tables_);
    // The replication connection has its own pg_hba.conf rules and privilege; find out now.
    PgConnection replication(replicationSettings(options_.connection));
    replication.exec("IDENTIFY_SYSTEM");
  } catch (const PgError& e) {
    if (e.permanent()) {
      setState(SourceState::Failed, e.what());
      throw;
    }
    // Unreachable for now: the thread keeps trying, and /health says so.
    spdlog::warn("source `{}`: {}; retrying in the background", options_.id, e.what());
    setState(SourceState::Reconnecting, e.what());
    tables_.clear();
  }
  thread_ = std::thread([this] { run(); });
}

void ReplicationSource::stop() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
  setState(SourceState::Stopped);
  progress_->ready.notify_all();
}

bool ReplicationSource::sleepUnlessStopped(int64_t ms) {
  std::unique_lock lock(wait_mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

void ReplicationSource::run() {
  while (!stopping_) {
    std::string failure;
    bool permanent = false;
    try {
      runSession();
    } catch (const PgError& e) {
      failure = e.what();
      permanent = e.permanent();
    } catch (const std::exception& e) {
      // A message the decoder could not read, or a value it could not convert: start the
      // stream again from the last applied transaction rather than apply something wrong.
      failure = e.what();
    }
    if (stopping_)
      break;
    pending_.reset();
    int64_t delay = backoff_.nextDelayMs();
    spdlog::warn("source `{}`: {}; reconnecting in {} ms", options_.id, failure, delay);
    setState(permanent ? SourceState::Failed : SourceState::Reconnecting, failure);
    progress_->ready.notify_all();
    if (!sleepUnlessStopped(delay))
      break;
  }
}

void ReplicationSource::runSession() {
  PgConnection conn(options_.connection);
  if (tables_.empty()) {
    tables_ = loadTables(conn, options_.tables, options_.table_keys);
    checkReplicationSetup(conn, setupOf(options_), tables_);
  }
  PgConnection replication(replicationSettings(options_.connection));
  // The slot must exist before the snapshot is taken: its start is then never later than the
  // snapshot, so no transaction can fall between the two.
  ensureSlot(conn, replication);
  if (!bootstrapped_)
    bootstrap(conn);
  // Version 2 (PostgreSQL 14+) only adds streamed in-progress transactions, which are not asked
  // for, so both versions carry the same messages here.
  int proto_version = conn.serverVersion() >= 140000 ? 2 : 1;
  std::string command = fmt::format(
      "START_REPLICATION SLOT {} LOGICAL {} (proto_version '{}', publication_names {})",
      replication.quoteIdentifier(options_.slot_name), formatLsn(queued_lsn_), proto_version,
      replication.quoteLiteral(replication.quoteIdentifier(options_.publication_name)));
  replication.startCopyBoth(command);
  relations_.clear();
  setState(SourceState::Streaming);
  backoff_.reset();
  spdlog::info("source `{}`: streaming from slot `{}` at {}", options_.id, options_.slot_name,
               formatLsn(std::max(queued_lsn_, progress_->applied_lsn.load())));
  stream(replication);
}

void ReplicationSource::ensureSlot(PgConnection& conn, PgConnection& replication) {
  PgResult slot = conn.execParams(
      "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1",
      {options_.slot_name});
  if (slot.rows() > 0) {
    // Until the first transaction, the position to report is where the slot stands.
    if (std::optional<Lsn> confirmed = parseLsn(slot.text(0, 0)); confirmed && queued_lsn_ == 0) {
      Lsn expected = 0;
      progress_->applied_lsn.compare_exchange_strong(expected, *confirmed);
    }
    return;
  }
  try {
    replication.exec(fmt::format("CREATE_REPLICATION_SLOT {} LOGICAL pgoutput NOEXPORT_SNAPSHOT",
                                 replication.quoteIdentifier(options_.slot_name)));
    spdlog::info("source `{}`: created replication slot `{}`", options_.id, options_.slot_name);
  } catch (const PgError& e) {
    if (e.sqlstate() != "42710")  // duplicate_object: another process created it meanwhile
      throw;
  }
}

void ReplicationSource::bootstrap(PgConnection& conn) {
  setState(SourceState::Bootstrapping);
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.bootstrap = true;
  if (!options_.skip_bootstrap)
    snapshot_ =
        readSnapshot(conn, tables_, options_.bootstrap, [&](std::vector<core::Change>&& rows) {
          if (batch.changes.empty()) {
            batch.changes = std::move(rows);
            return;
          }
          batch.changes.insert(batch.changes.end(), std::make_move_iterator(rows.begin()),
                               std::make_move_iterator(rows.end()));
        });
  batch.commit_time_ms = nowMs();
  spdlog::info("source `{}`: bootstrapped {} rows from {} tables", options_.id,
               batch.changes.size(), tables_.size());
  batch.on_applied = [progress = progress_] {
    {
      std::lock_guard lock(progress->mutex);
      progress->bootstrapped = true;
    }
    progress->ready.notify_all();
  };
  sink_->onBatch(std::move(batch));
  bootstrapped_ = true;
}

void ReplicationSource::stream(PgConnection& replication) {
  auto next_status = SteadyClock::now() + std::chrono::milliseconds(options_.status_interval_ms);
  std::string buffer;
  while (!stopping_) {
    while (true) {
      PgConnection::CopyRead read = replication.readCopyData(buffer);
      if (read == PgConnection::CopyRead::WouldBlock)
        break;
      if (read == PgConnection::CopyRead::Ended) {
        throw PgError(core::ErrorCode::SourceUnavailable, "the server ended the replication stream",
                      "", false);
      }
      std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buffer.data()),
                                     buffer.size());
      CopyDataMessage message = decodeCopyData(bytes);
      if (const auto* keepalive = std::get_if<PrimaryKeepalive>(&message)) {
        received_lsn_ = std::max(received_lsn_.load(), keepalive->wal_end);
        if (keepalive->reply_requested)
          sendStatus(replication, false);
        continue;
      }
      const auto& data = std::get<XLogData>(message);
      handleMessage(decodePgOutput(data.payload));
      if (!pending_)
        received_lsn_ = std::max(received_lsn_.load(), data.wal_end);
    }
    if (SteadyClock::now() >= next_status) {
      sendStatus(replication, false);
      next_status = SteadyClock::now() + std::chrono::milliseconds(options_.status_interval_ms);
    }
    pollfd fd{replication.socket(), POLLIN, 0};
    int timeout = static_cast<int>(std::clamp<int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(next_status - SteadyClock::now())
            .count(),
        0, kPollSliceMs));
    if (::poll(&fd, 1, timeout) < 0 && errno != EINTR) {
      throw PgError(core::ErrorCode::SourceUnavailable, "waiting on the replication socket failed",
                    "", false);
    }
  }
}

void ReplicationSource::sendStatus(PgConnection& replication, bool reply_requested) {
  Lsn applied = progress_->applied_lsn.load();
  Lsn received = received_lsn_.load();
  Lsn flushed = applied;
  // With no transaction open and the engine caught up, everything received so far is either
  // applied or not ours: acknowledging it lets the server recycle WAL of other tables.
  if (!pending_ && applied >= queued_lsn_)
    flushed = std::max(applied, received);
  replication.putCopyData(encodeStandbyStatus(std::max(received, flushed), flushed, flushed,
                                              unixMillisToPgMicros(nowMs()), reply_requested));
  replication.flush();
  acked_lsn_ = flushed;
  spdlog::debug("source `{}`: status received {} flushed {} (applied {}, queued {})", options_.id,
                formatLsn(received), formatLsn(flushed), formatLsn(applied),
                formatLsn(queued_lsn_));
}

void ReplicationSource::handleMessage(const PgOutputMessage& message) {
  if (const auto* begin = std::get_if<BeginMessage>(&message)) {
    onBegin(*begin);
  } else if (const auto* commit = std::get_if<CommitMessage>(&message)) {
    onCommit(*commit);
  } else if (const auto* relation = std::get_if<RelationMessage>(&message)) {
    onRelation(*relation);
  } else if (std::holds_alternative<InsertMessage>(message) ||
             std::holds_alternative<UpdateMessage>(message) ||
             std::holds_alternative<DeleteMessage>(message)) {
    if (!pending_)
      throw DecodeError("a row change arrived outside a transaction");
    if (pending_->skip)
      return;
    Oid relation = std::visit(
        [](const auto& m) -> Oid {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, InsertMessage> || std::is_same_v<T, UpdateMessage> ||
                        std::is_same_v<T, DeleteMessage>)
            return m.relation;
          else
            return 0;
        },
        message);
    const PgTable* table = tableFor(relation);
    if (!table)
      return;  // published, but not one of this source's tables
    addRowChanges(*table, message);
  } else if (const auto* truncate = std::get_if<TruncateMessage>(&message)) {
    if (!pending_)
      throw DecodeError("a TRUNCATE arrived outside a transaction");
    if (pending_->skip)
      return;
    for (Oid oid : truncate->relations) {
      const PgTable* table = tableFor(oid);
      if (!table)
        continue;
      foldPending();
      core::Change change;
      change.op = core::ChangeOp::Truncate;
      change.element.labels = {table->name};
      pending_->folded.push_back(std::move(change));
      pending_->latest.clear();
    }
  }
  // Type, Origin and logical messages change nothing livedash shows.
}

void ReplicationSource::onBegin(const BeginMessage& begin) {
  pending_.emplace();
  pending_->xid = begin.xid;
  pending_->final_lsn = begin.final_lsn;
  // Already in the bootstrap, or already handed to the engine before a reconnect.
  pending_->skip =
      (snapshot_ && snapshot_->isVisible32(begin.xid)) || begin.final_lsn < queued_lsn_;
}

void ReplicationSource::addRowChanges(const PgTable& table, const PgOutputMessage& message) {
  if (const auto* insert = std::get_if<InsertMessage>(&message))
    appendInsert(table, *insert, pending_->latest, pending_->changes);
  else if (const auto* update = std::get_if<UpdateMessage>(&message))
    appendUpdate(table, *update, pending_->latest, pending_->changes);
  else if (const auto* del = std::get_if<DeleteMessage>(&message))
    appendDelete(table, *del, pending_->latest, pending_->changes);
}

void ReplicationSource::foldPending() {
  if (pending_->changes.empty())
    return;
  std::vector<core::Change> net = coalesceChanges(std::move(pending_->changes));
  pending_->changes.clear();
  pending_->folded.insert(pending_->folded.end(), std::make_move_iterator(net.begin()),
                          std::make_move_iterator(net.end()));
}

void ReplicationSource::onCommit(const CommitMessage& commit) {
  if (!pending_)
    throw DecodeError("a Commit arrived outside a transaction");
  foldPending();
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.commit_time_ms = pgMicrosToUnixMillis(commit.commit_time_us);
  if (!pending_->skip)
    batch.changes = std::move(pending_->folded);
  batch.dropped_properties = std::move(dropped_);
  dropped_.clear();
  // A skipped transaction still goes through the engine's queue (empty), so that its LSN is
  // acknowledged only after every transaction before it has been applied.
  batch.on_applied = [progress = progress_, end = commit.end_lsn, at = batch.commit_time_ms] {
    Lsn applied = progress->applied_lsn.load();
    if (end > applied)
      progress->applied_lsn.store(end);
    progress->last_commit_ms.store(at);
  };
  sink_->onBatch(std::move(batch));
  queued_lsn_ = std::max(queued_lsn_, commit.end_lsn);
  pending_.reset();
}

void ReplicationSource::onRelation(const RelationMessage& relation) {
  const PgTable* configured = nullptr;
  for (const PgTable& t : tables_) {
    if (t.schema == relation.schema && t.name == relation.name)
      configured = &t;
  }
  if (!configured)
    return;
  PgTable table = tableFromRelation(relation, *configured);
  auto previous = relations_.find(relation.oid);
  const PgTable& before = previous != relations_.end() ? previous->second : *configured;
  for (const std::string& column : droppedColumns(before, table)) {
    spdlog::warn("source `{}`: column `{}` of `{}` was dropped; queries that read it stop",
                 options_.id, column, table.qualifiedName());
    dropped_.push_back({table.name, column});
  }
  relations_.insert_or_assign(relation.oid, std::move(table));
}

const PgTable* ReplicationSource::tableFor(Oid relation) const {
  auto it = relations_.find(relation);
  return it == relations_.end() ? nullptr : &it->second;
}

}  // namespace livedash::sources::postgres
