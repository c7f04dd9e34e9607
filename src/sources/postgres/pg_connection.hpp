// src/sources/postgres/pg_connection.hpp
//
// A thin RAII layer over libpq for the PostgreSQL source: connect with the settings livedash
// needs (ISO dates in UTC, so every text value parses the same way), run SQL, and the CopyBoth
// calls of a replication connection. Errors become PgError, which tells a fault the user must fix
// (wrong password, no such database, permission denied) from one a reconnect may cure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sources/postgres/pg_value.hpp"

struct pg_conn;
struct pg_result;

namespace livedash::sources::postgres {

struct PgConnectionSettings {
  std::string host = "localhost";
  uint16_t port = 5432;
  std::string database;
  std::string user;
  std::string password;
  std::string ssl_mode = "prefer";
  std::string application_name = "livedash";
  //! Opens a logical replication connection (`replication=database`).
  bool replication = false;
  int connect_timeout_seconds = 10;
};

class PgError : public core::Error {
 public:
  PgError(core::ErrorCode code, std::string message, std::string sqlstate, bool permanent)
      : core::Error(code, std::move(message)),
        sqlstate_(std::move(sqlstate)),
        permanent_(permanent) {}
  //! The five-character SQLSTATE, or empty when the error came from the client side.
  const std::string& sqlstate() const { return sqlstate_; }
  //! A configuration fault (credentials, missing object, privilege) that retrying will not cure.
  bool permanent() const { return permanent_; }

 private:
  std::string sqlstate_;
  bool permanent_;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result);
  int rows() const;
  int columns() const;
  bool isNull(int row, int column) const;
  std::string_view text(int row, int column) const;
  std::optional<std::string> optionalText(int row, int column) const;
  Oid columnType(int column) const;
  std::string_view columnName(int column) const;

 private:
  struct Deleter {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

class PgConnection {
 public:
  //! Connects (blocking, bounded by connect_timeout_seconds). Throws PgError.
  explicit PgConnection(const PgConnectionSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  //! Runs one or more statements; returns the last result. Throws PgError with the server's
  //! message on failure.
  PgResult exec(std::string_view sql);
  //! Runs one statement with text parameters ($1, $2, …; nullopt is NULL).
  PgResult execParams(std::string_view sql, const std::vector<std::optional<std::string>>& params);

  std::string quoteIdentifier(std::string_view name);
  std::string quoteLiteral(std::string_view text);

  //! Server version as an integer, such as 150004.
  int serverVersion() const;
  //! The socket, for poll().
  int socket() const;
  bool ok() const;
  pg_conn* raw() const { return conn_; }

  // ---- CopyBoth (replication) ----
  //! Sends a replication command such as START_REPLICATION and expects the copy to begin.
  void startCopyBoth(std::string_view command);
  enum class CopyRead { Data, WouldBlock, Ended };
  //! Reads one CopyData message without blocking into `out`. Ended means the server closed the
  //! copy (the connection then carries the final result); errors throw PgError.
  CopyRead readCopyData(std::string& out);
  void putCopyData(std::string_view bytes);
  //! Pushes queued output; returns false if some is still queued.
  bool flush();

  // ---- LISTEN/NOTIFY ----
  //! Reads what the socket has and returns the notifications received, if any.
  struct Notification {
    std::string channel;
    std::string payload;
    int backend_pid = 0;
  };
  std::vector<Notification> consumeNotifications();

 private:
  [[noreturn]] void fail(std::string_view what, pg_result* result = nullptr);
  pg_conn* conn_ = nullptr;
};

//! A user-facing message for a connect failure, with what to check (credentials, host and port,
//! pg_hba.conf). Used by the source's startup checks.
std::string describeConnectFailure(const PgConnectionSettings& settings, std::string_view message);

}  // namespace livedash::sources::postgres
