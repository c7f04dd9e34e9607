// src/sources/postgres/pg_connection.cpp
#include "sources/postgres/pg_connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

namespace livedash::sources::postgres {

namespace {

// SQLSTATE classes that retrying does not cure: the user has to change something.
bool isPermanentSqlstate(std::string_view state) {
  return state.starts_with("28") ||  // invalid authorization (wrong password, no such role)
         state.starts_with("3D") ||  // invalid catalog name (no such database)
         state.starts_with(
             "42") ||  // syntax error or access rule violation (no privilege, no table)
         state.starts_with("55") ||  // object not in prerequisite state (wal_level, slot in use)
         state == "53400";           // configuration limit exceeded (max_replication_slots)
}

bool isPermanentConnectMessage(std::string_view message) {
  for (std::string_view marker :
       {"password authentication failed", "no password supplied", "does not exist",
        "no pg_hba.conf entry", "permission denied", "must be superuser or replication role",
        "SSL is not enabled", "not permitted to log in", "invalid sslmode"}) {
    if (message.find(marker) != std::string_view::npos)
      return true;
  }
  return false;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  return std::string(text);
}

void ignoreNotice(void*, const char*) {}

}  // namespace

void PgResult::Deleter::operator()(pg_result* r) const {
  PQclear(r);
}

PgResult::PgResult(pg_result* result) : result_(result) {}

int PgResult::rows() const {
  return result_ ? PQntuples(result_.get()) : 0;
}
int PgResult::columns() const {
  return result_ ? PQnfields(result_.get()) : 0;
}
bool PgResult::isNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}
std::string_view PgResult::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}
std::optional<std::string> PgResult::optionalText(int row, int column) const {
  if (isNull(row, column))
    return std::nullopt;
  return std::string(text(row, column));
}
Oid PgResult::columnType(int column) const {
  return PQftype(result_.get(), column);
}
std::string_view PgResult::columnName(int column) const {
  return PQfname(result_.get(), column);
}

PgConnection::PgConnection(const PgConnectionSettings& s) {
  std::string port = std::to_string(s.port);
  std::string timeout = std::to_string(s.connect_timeout_seconds);
  // Every text value this connection produces (query results, pgoutput tuples, NOTIFY payloads
  // built by triggers) is read by textToValue, which expects these settings.
  const char* options =
      "-c DateStyle=ISO -c IntervalStyle=iso_8601 -c TimeZone=UTC -c extra_float_digits=3";
  std::vector<const char*> keys = {"host",
                                   "port",
                                   "dbname",
                                   "user",
                                   "sslmode",
                                   "application_name",
                                   "connect_timeout",
                                   "options",
                                   "client_encoding"};
  std::vector<const char*> values = {s.host.c_str(),
                                     port.c_str(),
                                     s.database.c_str(),
                                     s.user.c_str(),
                                     s.ssl_mode.c_str(),
                                     s.application_name.c_str(),
                                     timeout.c_str(),
                                     options,
                                     "UTF8"};
  // A dead network (no FIN, no RST) is noticed within about half a minute instead of TCP's
  // default of hours, even in the middle of a blocking call.
  keys.insert(keys.end(), {"keepalives", "keepalives_idle", "keepalives_interval",
                           "keepalives_count", "tcp_user_timeout"});
  values.insert(values.end(), {"1", "10", "5", "3", "30000"});
  if (!s.password.empty()) {
    keys.push_back("password");
    values.push_back(s.password.c_str());
  }
  if (s.replication) {
    keys.push_back("replication");
    values.push_back("database");
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn_ == nullptr)
    throw PgError(core::ErrorCode::SourceUnavailable, "out of memory connecting to PostgreSQL", "",
                  false);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    bool permanent = isPermanentConnectMessage(message);
    throw PgError(permanent ? core::ErrorCode::ConfigInvalid : core::ErrorCode::SourceUnavailable,
                  describeConnectFailure(s, message), "", permanent);
  }
  PQsetNoticeProcessor(conn_, ignoreNotice, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_)
    PQfinish(conn_);
}

void PgConnection::fail(std::string_view what, pg_result* result) {
  std::string sqlstate;
  std::string message;
  if (result) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE))
      sqlstate = state;
    message = trimmed(PQresultErrorMessage(result));
    PQclear(result);
  }
  if (message.empty())
    message = trimmed(PQerrorMessage(conn_));
  bool permanent = isPermanentSqlstate(sqlstate);
  bool connection_lost = PQstatus(conn_) != CONNECTION_OK;
  throw PgError(connection_lost || !permanent ? core::ErrorCode::SourceUnavailable
                                              : core::ErrorCode::ConfigInvalid,
                what.empty() ? message : fmt::format("{}: {}", what, message), sqlstate,
                permanent && !connection_lost);
}

PgResult PgConnection::exec(std::string_view sql) {
  std::string text(sql);
  pg_result* result = PQexec(conn_, text.c_str());
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("", result);
  return PgResult(result);
}

PgResult PgConnection::execParams(std::string_view sql,
                                  const std::vector<std::optional<std::string>>& params) {
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  pg_result* result = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                   values.data(), nullptr, nullptr, 0);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("", result);
  return PgResult(result);
}

std::string PgConnection::quoteIdentifier(std::string_view name) {
  char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
  if (!quoted)
    fail("cannot quote an identifier");
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

std::string PgConnection::quoteLiteral(std::string_view text) {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (!quoted)
    fail("cannot quote a literal");
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

int PgConnection::serverVersion() const {
  return PQserverVersion(conn_);
}
int PgConnection::socket() const {
  return PQsocket(conn_);
}
bool PgConnection::ok() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

void PgConnection::startCopyBoth(std::string_view command) {
  std::string text(command);
  pg_result* result = PQexec(conn_, text.c_str());
  if (!result || PQresultStatus(result) != PGRES_COPY_BOTH)
    fail("", result);
  PQclear(result);
}

PgConnection::CopyRead PgConnection::readCopyData(std::string& out) {
  char* buffer = nullptr;
  int length = PQgetCopyData(conn_, &buffer, 1);
  if (length > 0) {
    out.assign(buffer, static_cast<size_t>(length));
    PQfreemem(buffer);
    return CopyRead::Data;
  }
  if (length == 0) {
    if (PQconsumeInput(conn_) == 0)
      fail("replication connection lost");
    length = PQgetCopyData(conn_, &buffer, 1);
    if (length > 0) {
      out.assign(buffer, static_cast<size_t>(length));
      PQfreemem(buffer);
      return CopyRead::Data;
    }
    if (length == 0)
      return CopyRead::WouldBlock;
  }
  if (length == -1) {
    // The copy is over; the server's reason (an error, or a clean end) is in the result.
    pg_result* result = PQgetResult(conn_);
    if (result && PQresultStatus(result) == PGRES_FATAL_ERROR)
      fail("replication stream ended", result);
    PQclear(result);
    return CopyRead::Ended;
  }
  fail("replication stream failed");
}

void PgConnection::putCopyData(std::string_view bytes) {
  if (PQputCopyData(conn_, bytes.data(), static_cast<int>(bytes.size())) != 1)
    fail("cannot send to the replication connection");
}

bool PgConnection::flush() {
  int r = PQflush(conn_);
  if (r < 0)
    fail("cannot send to the server");
  return r == 0;
}

std::vector<PgConnection::Notification> PgConnection::consumeNotifications() {
  if (PQconsumeInput(conn_) == 0)
    fail("connection lost");
  std::vector<Notification> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname, n->extra ? n->extra : "", n->be_pid});
    PQfreemem(n);
  }
  return out;
}

std::string describeConnectFailure(const PgConnectionSettings& s, std::string_view message) {
  std::string where =
      fmt::format("{}:{} database `{}` as `{}`", s.host, s.port, s.database, s.user);
  std::string_view hint;
  if (message.find("password authentication failed") != std::string_view::npos ||
      message.find("no password supplied") != std::string_view::npos)
    hint = "check `user` and `password` in the source config";
  else if (message.find("database") != std::string_view::npos &&
           message.find("does not exist") != std::string_view::npos)
    hint = "check `database` in the source config";
  else if (message.find("role") != std::string_view::npos &&
           message.find("does not exist") != std::string_view::npos)
    hint = "check `user` in the source config";
  else if (message.find("no pg_hba.conf entry") != std::string_view::npos)
    hint = "allow this host in pg_hba.conf (a replication source also needs a `replication` line)";
  else if (message.find("Connection refused") != std::string_view::npos ||
           message.find("timeout expired") != std::string_view::npos ||
           message.find("could not translate host name") != std::string_view::npos)
    hint = "check `host` and `port`, and that PostgreSQL is running";
  std::string text = fmt::format("cannot connect to PostgreSQL at {}: {}", where, message);
  if (!hint.empty())
    text += fmt::format(" ({})", hint);
  return text;
}

}  // namespace livedash::sources::postgres
