// src/sources/postgres/notify_source.cpp
//
// The source thread: sessions, the bootstrap with its catch-up deletes, the LISTEN loop with its
// keepalive, and notifications turned into coalesced change batches (see notify_source.hpp).
#include "sources/postgres/notify_source.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sources/change_coalescing.hpp"

namespace livedash::sources::postgres {

namespace {

using SteadyClock = std::chrono::steady_clock;

// How long one wait may last, so that stop() is noticed promptly even without the wake pipe.
constexpr int kPollSliceMs = 200;
// NAMEDATALEN - 1: LISTEN would truncate a longer channel and pg_notify would refuse it.
constexpr size_t kMaxChannelBytes = 63;

//! Thrown inside the thread when stop() is called; unwinds a session without counting a failure.
struct StopRequested {};

[[noreturn]] void configFault(std::string message) {
  throw PgError(core::ErrorCode::ConfigInvalid, std::move(message), "", true);
}

[[noreturn]] void connectionLost(PGconn* conn, std::string_view what) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  throw PgError(core::ErrorCode::SourceUnavailable,
                message.empty() ? std::string(what) : fmt::format("{}: {}", what, message), "",
                false);
}

core::Change deletion(const PgTable& table, std::string id, core::Map before) {
  core::Element element;
  element.id = std::move(id);
  element.labels = {table.name};
  element.properties = before;
  return core::makeChange(core::ChangeOp::Delete, std::move(element), std::move(before));
}

//! `table:key` of a row image, with key values in the text output form the bootstrap uses.
std::string elementIdOf(const PgTable& table, const NotifyRow& row) {
  std::vector<std::string> cells(table.columns.size());
  std::vector<const std::string*> texts(table.columns.size(), nullptr);
  for (size_t column : table.key_columns) {
    auto it = row.find(table.columns[column].name);
    if (it != row.end() && it->second) {
      cells[column] = jsonFormToText(table.columns[column].type_oid, *it->second);
      texts[column] = &cells[column];
    }
  }
  return RowConverter(table).elementId(texts);
}

//! Typed properties of the table's columns that the image has.
core::Map propertiesOf(const PgTable& table, const NotifyRow& row) {
  core::Map props;
  props.reserve(table.columns.size());
  for (const PgColumn& column : table.columns) {
    auto it = row.find(column.name);
    if (it == row.end())
      continue;  // a column added since the trigger's row was built, or a key-only image
    props.emplace(column.name,
                  it->second ? jsonFormValue(column.type_oid, *it->second) : core::Value());
  }
  return props;
}

core::Element elementOf(const PgTable& table, const NotifyRow& row) {
  core::Element element;
  element.id = elementIdOf(table, row);
  element.labels = {table.name};
  element.properties = propertiesOf(table, row);
  return element;
}

//! Net changes per element between TRUNCATEs, which coalesceChanges must not see.
std::vector<core::Change> coalesceAroundTruncates(std::vector<core::Change>&& changes) {
  std::vector<core::Change> out;
  std::vector<core::Change> segment;
  auto fold = [&] {
    for (core::Change& change : coalesceChanges(std::move(segment)))
      out.push_back(std::move(change));
    segment.clear();
  };
  for (core::Change& change : changes) {
    if (change.op == core::ChangeOp::Truncate) {
      fold();
      out.push_back(std::move(change));
    } else {
      segment.push_back(std::move(change));
    }
  }
  fold();
  return out;
}

}  // namespace

NotifySource::NotifySource(NotifySourceOptions options)
    : options_(std::move(options)), backoff_(options_.backoff_initial_ms, options_.backoff_max_ms) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw core::Error(core::ErrorCode::Internal, "cannot create the notify source's wake pipe");
  wake_read_ = fds[0];
  wake_write_ = fds[1];
}

NotifySource::~NotifySource() {
  stop();
  ::close(wake_read_);
  ::close(wake_write_);
}

int64_t NotifySource::nowMs() const {
  return options_.clock ? options_.clock->nowMs() : system_clock_.nowMs();
}

void NotifySource::setState(SourceState state, std::string message) {
  std::lock_guard lock(status_mutex_);
  // A reconnect is a connection lost after it was up, not each failed attempt to get one.
  if ((state == SourceState::Reconnecting || state == SourceState::Failed) &&
      (status_.state == SourceState::Streaming || status_.state == SourceState::Bootstrapping))
    ++status_.reconnects;
  status_.state = state;
  status_.message = std::move(message);
}

SourceStatus NotifySource::status() const {
  std::lock_guard lock(status_mutex_);
  SourceStatus s = status_;
  s.last_commit_ms = progress_->last_commit_ms.load();
  return s;
}

bool NotifySource::waitUntilReady(int64_t timeout_ms) {
  std::shared_ptr<Progress> progress;
  {
    std::lock_guard lock(status_mutex_);
    progress = progress_;
  }
  std::unique_lock lock(progress->mutex);
  return progress->ready.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return progress->bootstrapped.load() || status().state == SourceState::Failed;
  }) && progress->bootstrapped.load();
}

void NotifySource::start(core::ChangeSink& sink) {
  stop();
  if (options_.tables.empty())
    configFault(fmt::format("source `{}` lists no `tables`", options_.id));
  if (options_.channel.empty() || options_.channel.size() > kMaxChannelBytes) {
    configFault(fmt::format("notify channel `{}` must have 1 to {} bytes", options_.channel,
                            kMaxChannelBytes));
  }
  char byte;
  while (::read(wake_read_, &byte, 1) > 0) {
  }
  sink_ = &sink;
  stopping_ = false;
  {
    // A fresh one, so that a batch of the previous run applied late does not count as ready.
    std::lock_guard lock(status_mutex_);
    progress_ = std::make_shared<Progress>();
  }
  setState(SourceState::Connecting);
  bool tables_loaded = false;
  try {
    PgConnection conn(options_.connection);
    tables_ = loadTables(conn, options_.tables, options_.table_keys);
    installNotifyTriggers(conn, tables_, options_.channel);
    tables_loaded = true;
  } catch (const PgError& e) {
    if (e.permanent()) {
      setState(SourceState::Failed, e.what());
      throw;
    }
    // Unreachable for now: the thread keeps trying, and /health says so.
    spdlog::warn("source `{}`: {}; retrying in the background", options_.id, e.what());
    setState(SourceState::Reconnecting, e.what());
  }
  thread_ = std::thread([this, tables_loaded] { run(tables_loaded); });
}

void NotifySource::stop() {
  stopping_ = true;
  char byte = 1;
  [[maybe_unused]] ssize_t written = ::write(wake_write_, &byte, 1);
  {
    // A connect, the bootstrap or a catalog query may be blocked in libpq: cut the socket so it
    // fails at once instead of waiting for the server.
    std::lock_guard lock(socket_mutex_);
    if (active_socket_ >= 0)
      ::shutdown(active_socket_, SHUT_RDWR);
  }
  if (thread_.joinable())
    thread_.join();
  open_.reset();
  setState(SourceState::Stopped);
  progress_->ready.notify_all();
}

void NotifySource::setActiveSocket(int socket) {
  std::lock_guard lock(socket_mutex_);
  active_socket_ = socket;
}

bool NotifySource::sleepUnlessStopped(int64_t ms) {
  auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
  while (!stopping_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
    if (left.count() <= 0)
      return true;
    pollfd fd{wake_read_, POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), kPollSliceMs)));
  }
  return false;
}

void NotifySource::waitReadable(int socket, int timeout_ms) {
  if (stopping_)
    throw StopRequested{};
  pollfd fds[2] = {{socket, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  if (::poll(fds, 2, std::min(timeout_ms, kPollSliceMs)) < 0 && errno != EINTR) {
    throw PgError(core::ErrorCode::SourceUnavailable, "waiting on the server's socket failed", "",
                  false);
  }
  if (stopping_)
    throw StopRequested{};
}

void NotifySource::run(bool tables_loaded) {
  bool load_tables = !tables_loaded;
  while (!stopping_) {
    std::string failure;
    bool permanent = false;
    try {
      runSession(load_tables);
    } catch (const StopRequested&) {
      break;
    } catch (const PgError& e) {
      failure = e.what();
      permanent = e.permanent();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (stopping_)
      break;
    // The tables may have changed while the connection was down: read them again.
    load_tables = true;
    open_.reset();
    int64_t delay = backoff_.nextDelayMs();
    spdlog::warn("source `{}`: {}; reconnecting in {} ms", options_.id, failure, delay);
    setState(permanent ? SourceState::Failed : SourceState::Reconnecting, failure);
    progress_->ready.notify_all();
    if (!sleepUnlessStopped(delay))
      break;
  }
}

void NotifySource::runSession(bool load_tables) {
  PgConnection conn(options_.connection);
  setActiveSocket(conn.socket());
  struct SocketGuard {
    NotifySource* source;
    ~SocketGuard() { source->setActiveSocket(-1); }
  } guard{this};
  if (load_tables) {
    tables_ = loadTables(conn, options_.tables, options_.table_keys);
    installNotifyTriggers(conn, tables_, options_.channel);
  }
  tables_by_name_.clear();
  for (const PgTable& table : tables_)
    tables_by_name_.emplace(table.qualifiedName(), &table);
  // LISTEN before the snapshot: whatever commits after the snapshot is then notified.
  conn.exec("LISTEN " + conn.quoteIdentifier(options_.channel));
  bootstrap(conn);
  setState(SourceState::Streaming);
  backoff_.reset();
  spdlog::info("source `{}`: listening on `{}` for {} tables", options_.id, options_.channel,
               tables_.size());
  stream(conn);
}

void NotifySource::bootstrap(PgConnection& conn) {
  setState(SourceState::Bootstrapping);
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.bootstrap = true;
  std::map<std::string, std::unordered_set<std::string>, std::less<>> present;
  snapshot_ =
      readSnapshot(conn, tables_, options_.bootstrap, [&](std::vector<core::Change>&& rows) {
        if (stopping_)
          throw StopRequested{};
        for (core::Change& row : rows) {
          present[row.element.labels.front()].insert(row.element.id);
          batch.changes.push_back(std::move(row));
        }
      });
  // After a reconnect: rows deleted while nobody listened are deleted now. The upserts above
  // already bring every other row up to date.
  size_t deleted = 0;
  for (const auto& [label, ids] : delivered_) {
    auto now_present = present.find(label);
    for (const std::string& id : ids) {
      if (now_present != present.end() && now_present->second.contains(id))
        continue;
      core::Element element;
      element.id = id;
      element.labels = {label};
      batch.changes.push_back(core::makeChange(core::ChangeOp::Delete, std::move(element)));
      ++deleted;
    }
  }
  delivered_ = std::move(present);
  batch.commit_time_ms = nowMs();
  spdlog::info("source `{}`: bootstrapped {} rows from {} tables{}", options_.id,
               batch.changes.size() - deleted, tables_.size(),
               deleted ? fmt::format(", {} gone since the last connection", deleted) : "");
  batch.on_applied = [progress = progress_, at = batch.commit_time_ms] {
    progress->last_commit_ms.store(at);
    {
      std::lock_guard lock(progress->mutex);
      progress->bootstrapped = true;
    }
    progress->ready.notify_all();
  };
  sink_->onBatch(std::move(batch));
}

void NotifySource::stream(PgConnection& conn) {
  const auto keepalive = std::chrono::milliseconds(std::max(1, options_.keepalive_interval_ms));
  auto next_keepalive = SteadyClock::now() + keepalive;
  while (true) {
    drain(conn);
    if (open_) {
      // The last transaction to arrive may still be arriving. The server finishes sending what it
      // has begun to read from the queue before it reads our query, so once the answer is in,
      // so is the rest of a transaction that had begun to arrive before we asked. One that began
      // after (in the same read as the answer) waits for the next round.
      uint64_t awaited = open_->xid;
      roundTrip(conn, "SELECT 1");
      next_keepalive = SteadyClock::now() + keepalive;
      drain(conn);
      if (open_ && open_->xid == awaited) {
        Transaction last = std::move(*open_);
        open_.reset();
        deliver(conn, std::move(last));
      }
      continue;
    }
    auto now = SteadyClock::now();
    if (now >= next_keepalive) {
      roundTrip(conn, "SELECT 1");
      next_keepalive = SteadyClock::now() + keepalive;
      continue;
    }
    auto until_keepalive =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_keepalive - now).count();
    waitReadable(conn.socket(), static_cast<int>(std::max<int64_t>(1, until_keepalive)));
  }
}

void NotifySource::drain(PgConnection& conn) {
  for (PgConnection::Notification& notification : conn.consumeNotifications()) {
    if (notification.channel != options_.channel)
      continue;
    NotifyEvent event;
    try {
      event = parseNotifyPayload(notification.payload);
    } catch (const core::Error& e) {
      spdlog::warn("source `{}`: skipping a notification on `{}`: {}", options_.id,
                   options_.channel, e.what());
      continue;
    }
    if (snapshot_.isVisible(event.xid))
      continue;  // committed before the snapshot: the bootstrap has it
    if (open_ && open_->xid != event.xid) {
      Transaction complete = std::move(*open_);
      open_.reset();
      deliver(conn, std::move(complete));
    }
    if (!open_)
      open_ = Transaction{event.xid, {}};
    open_->events.push_back(std::move(event));
  }
  if (!conn.ok())
    connectionLost(conn.raw(), "connection lost");
}

void NotifySource::deliver(PgConnection& conn, Transaction&& transaction) {
  std::vector<core::Change> changes;
  for (const NotifyEvent& event : transaction.events) {
    auto table = tables_by_name_.find(event.table);
    if (table == tables_by_name_.end())
      continue;  // another source's table on the same channel, or one no longer configured
    appendChanges(conn, *table->second, event, changes);
  }
  changes = coalesceAroundTruncates(std::move(changes));
  if (changes.empty())
    return;
  core::ChangeBatch batch;
  batch.source_id = options_.id;
  batch.commit_time_ms = nowMs();
  batch.changes = std::move(changes);
  batch.on_applied = [progress = progress_, at = batch.commit_time_ms] {
    progress->last_commit_ms.store(at);
  };
  rememberDelivered(batch.changes);
  {
    std::lock_guard lock(status_mutex_);
    status_.position = std::to_string(transaction.xid);
  }
  sink_->onBatch(std::move(batch));
}

void NotifySource::appendChanges(PgConnection& conn, const PgTable& table, const NotifyEvent& event,
                                 std::vector<core::Change>& out) {
  if (event.op == 'T') {
    core::Change truncate;
    truncate.op = core::ChangeOp::Truncate;
    truncate.element.labels = {table.name};
    out.push_back(std::move(truncate));
    return;
  }
  core::Map before;
  std::string before_id;
  if (event.before) {
    before_id = elementIdOf(table, *event.before);
    if (!event.before_key_only)
      before = propertiesOf(table, *event.before);
  }
  if (event.op == 'D') {
    out.push_back(deletion(table, std::move(before_id), std::move(before)));
    return;
  }
  std::optional<core::Element> after;
  if (event.after_key_only)
    after = reread(conn, table, *event.after);
  else
    after = elementOf(table, *event.after);
  std::string after_id = after ? after->id : elementIdOf(table, *event.after);
  bool key_changed = event.op == 'U' && before_id != after_id;
  if (key_changed) {
    // Another element now: the old one goes, the new one comes.
    out.push_back(deletion(table, std::move(before_id), std::move(before)));
    before = {};
  }
  if (!after) {
    // Re-read and gone: a later transaction deleted it.
    out.push_back(deletion(table, std::move(after_id), std::move(before)));
    return;
  }
  core::ChangeOp op =
      event.op == 'I' || key_changed ? core::ChangeOp::Insert : core::ChangeOp::Update;
  out.push_back(core::makeChange(op, std::move(*after), std::move(before)));
}

std::optional<core::Element> NotifySource::reread(PgConnection& conn, const PgTable& table,
                                                  const NotifyRow& row) {
  std::string columns;
  for (const PgColumn& column : table.columns) {
    if (!columns.empty())
      columns += ", ";
    columns += conn.quoteIdentifier(column.name);
  }
  std::string where;
  std::vector<std::optional<std::string>> params;
  for (size_t column : table.key_columns) {
    const std::string& name = table.columns[column].name;
    auto it = row.find(name);
    params.push_back(it == row.end() ? std::nullopt : it->second);
    where += fmt::format("{}{} = ${}", where.empty() ? "" : " AND ", conn.quoteIdentifier(name),
                         params.size());
  }
  PgResult found = roundTrip(
      conn,
      fmt::format("SELECT {} FROM {}.{} WHERE {}", columns, conn.quoteIdentifier(table.schema),
                  conn.quoteIdentifier(table.name), where),
      params);
  if (found.rows() == 0)
    return std::nullopt;
  std::vector<std::string> cells(table.columns.size());
  std::vector<const std::string*> texts(table.columns.size(), nullptr);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (!found.isNull(0, static_cast<int>(c))) {
      cells[c] = found.text(0, static_cast<int>(c));
      texts[c] = &cells[c];
    }
  }
  return RowConverter(table).element(texts);
}

PgResult NotifySource::roundTrip(PgConnection& conn, const std::string& sql,
                                 const std::vector<std::optional<std::string>>& params) {
  PGconn* raw = conn.raw();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  // The connection is in blocking mode, so this also sends the whole query.
  if (PQsendQueryParams(raw, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0)
    connectionLost(raw, "cannot send to the server");
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.answer_timeout_ms);
  PgResult kept;
  bool have_result = false;
  std::string error;
  std::string sqlstate;
  while (true) {
    while (PQisBusy(raw)) {
      if (SteadyClock::now() >= deadline) {
        throw PgError(
            core::ErrorCode::SourceUnavailable,
            fmt::format("the server did not answer within {} ms", options_.answer_timeout_ms), "",
            false);
      }
      waitReadable(PQsocket(raw), kPollSliceMs);
      if (PQconsumeInput(raw) == 0)
        connectionLost(raw, "connection lost");
    }
    PGresult* result = PQgetResult(raw);
    if (!result)
      break;
    ExecStatusType status = PQresultStatus(result);
    if ((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) && !have_result) {
      kept = PgResult(result);
      have_result = true;
      continue;
    }
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(result);
      if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE))
        sqlstate = state;
    }
    PQclear(result);
  }
  if (!error.empty()) {
    while (!error.empty() && (error.back() == '\n' || error.back() == ' '))
      error.pop_back();
    // Even a fault in the statement (a dropped table) is worth a reconnect: the session start
    // checks the configuration again and says what is wrong.
    throw PgError(core::ErrorCode::SourceUnavailable, error, sqlstate, false);
  }
  return kept;
}

void NotifySource::rememberDelivered(const std::vector<core::Change>& changes) {
  for (const core::Change& change : changes) {
    if (change.element.labels.empty())
      continue;
    const std::string& label = change.element.labels.front();
    switch (change.op) {
      case core::ChangeOp::Insert:
      case core::ChangeOp::Update:
        delivered_[label].insert(change.element.id);
        break;
      case core::ChangeOp::Delete:
        if (auto it = delivered_.find(label); it != delivered_.end())
          it->second.erase(change.element.id);
        break;
      case core::ChangeOp::Truncate:
        delivered_.erase(label);
        break;
    }
  }
}

}  // namespace livedash::sources::postgres
