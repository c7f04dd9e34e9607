// src/sources/postgres/pgoutput.hpp
//
// The logical replication wire: the CopyBoth framing of the walsender (XLogData, primary
// keepalive, standby status update) and the messages of the `pgoutput` plugin, protocol versions
// 1 and 2 without streamed transactions (the source never asks for `streaming`). Pure functions
// over bytes: no libpq, no I/O, so the fuzzer can drive them. Every decoder throws DecodeError on
// truncated or malformed input and never reads past the span it was given.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "sources/postgres/pg_value.hpp"

namespace livedash::sources::postgres {

using Lsn = uint64_t;

class DecodeError : public core::Error {
 public:
  explicit DecodeError(std::string message)
      : core::Error(core::ErrorCode::BadRequest, std::move(message)) {}
};

// ---- CopyBoth framing ------------------------------------------------------------------------

//! 'w': WAL data. `payload` points into the decoded buffer.
struct XLogData {
  Lsn wal_start = 0;
  Lsn wal_end = 0;
  int64_t send_time_us = 0;  //!< microseconds since 2000-01-01 (PostgreSQL's epoch)
  std::span<const uint8_t> payload;
};

//! 'k': the server's keepalive. When `reply_requested`, answer at once with a status update.
struct PrimaryKeepalive {
  Lsn wal_end = 0;
  int64_t send_time_us = 0;
  bool reply_requested = false;
};

using CopyDataMessage = std::variant<XLogData, PrimaryKeepalive>;
CopyDataMessage decodeCopyData(std::span<const uint8_t> bytes);

//! 'r': the standby status update the client sends (34 bytes).
std::string encodeStandbyStatus(Lsn written, Lsn flushed, Lsn applied, int64_t now_us,
                                bool reply_requested);

//! PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC.
int64_t pgMicrosToUnixMillis(int64_t pg_us);
int64_t unixMillisToPgMicros(int64_t unix_ms);

//! "16/B374D848" form, both ways. parseLsn gives nullopt on anything else.
std::string formatLsn(Lsn lsn);
std::optional<Lsn> parseLsn(std::string_view text);

// ---- pgoutput messages -----------------------------------------------------------------------

struct RelationColumn {
  std::string name;
  Oid type_oid = 0;
  int32_t type_modifier = -1;
  bool part_of_key = false;  //!< flag 1: part of the replica identity
};

//! 'R'. Sent before the first change to a table in a session, and again after its schema changes.
struct RelationMessage {
  Oid oid = 0;
  std::string schema;
  std::string name;
  char replica_identity = 'd';  //!< 'd' default, 'n' nothing, 'f' full, 'i' index
  std::vector<RelationColumn> columns;
};

enum class TupleValueKind : uint8_t { Null, UnchangedToast, Text, Binary };

struct TupleValue {
  TupleValueKind kind = TupleValueKind::Null;
  std::string bytes;  //!< the text (or binary) form, for Text and Binary
};
using Tuple = std::vector<TupleValue>;

//! 'B'
struct BeginMessage {
  Lsn final_lsn = 0;           //!< LSN of the commit record
  int64_t commit_time_us = 0;  //!< PostgreSQL epoch
  uint32_t xid = 0;
};

//! 'C'
struct CommitMessage {
  uint8_t flags = 0;
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;  //!< the position to acknowledge once the transaction is applied
  int64_t commit_time_us = 0;
};

//! 'I'
struct InsertMessage {
  Oid relation = 0;
  Tuple new_tuple;
};

//! 'U'. `old_tuple` is present with REPLICA IDENTITY FULL ('O', every column) or when a key
//! column changed ('K', key columns only, the others Null).
struct UpdateMessage {
  Oid relation = 0;
  std::optional<Tuple> old_tuple;
  bool old_is_key_only = false;
  Tuple new_tuple;
};

//! 'D'. The old tuple is the key ('K') or the whole row ('O').
struct DeleteMessage {
  Oid relation = 0;
  Tuple old_tuple;
  bool old_is_key_only = false;
};

//! 'T'
struct TruncateMessage {
  std::vector<Oid> relations;
  bool cascade = false;
  bool restart_identity = false;
};

//! 'Y'
struct TypeMessage {
  Oid oid = 0;
  std::string schema;
  std::string name;
};

//! 'O'
struct OriginMessage {
  Lsn commit_lsn = 0;
  std::string name;
};

//! 'M' (pg_logical_emit_message, only when the `messages` option is on).
struct LogicalMessage {
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;
};

using PgOutputMessage =
    std::variant<BeginMessage, CommitMessage, RelationMessage, InsertMessage, UpdateMessage,
                 DeleteMessage, TruncateMessage, TypeMessage, OriginMessage, LogicalMessage>;

//! Decodes one pgoutput message (the payload of one XLogData). Stream messages ('S', 'E', 'c',
//! 'A') are a DecodeError: the source never enables streaming.
PgOutputMessage decodePgOutput(std::span<const uint8_t> bytes);

}  // namespace livedash::sources::postgres
