// src/sources/postgres/notify_triggers.hpp
//
// Notify mode's half inside the database, and the payload it sends. One trigger function,
// livedash.notify_change(channel, key columns…), fires AFTER INSERT OR UPDATE OR DELETE FOR EACH
// ROW and AFTER TRUNCATE FOR EACH STATEMENT on every configured table, and sends one NOTIFY per
// row change (delivered at commit, so a rolled-back change is never seen):
//
//   {"x": "<xid8>", "s": <n>, "t": "<schema>.<table>", "o": "I"|"U"|"D"|"T",
//    "n": {column: value…}, "b": {column: value…}, "k": true, "kb": true}
//
// - `x` is pg_current_xact_id(): every notification of a transaction carries it, so the source
//   groups them back into that transaction, and the bootstrap snapshot tells whether it already
//   holds the transaction (pg_snapshot.hpp).
// - `s` counts per session. It only makes payloads unique: NOTIFY folds identical payloads of one
//   transaction into one, which would turn insert, delete, insert of the same row into a delete.
// - `n` is the new row, `b` the old one (UPDATE and DELETE). Every value is a string, or null:
//   the column as row_to_json writes it, taken out of its JSON with json_each_text. That is the
//   type's text output for most types, except bool (`true`), date and time stamps (ISO 8601 with
//   `T`, the offset as `+00:00`) and arrays (JSON arrays). jsonFormValue() reads that form. The
//   function pins TimeZone, IntervalStyle and extra_float_digits, so the writer's session settings
//   do not leak into the text.
// - NOTIFY refuses payloads of 8000 bytes or more. Then `b` shrinks to the key columns (`kb`),
//   and if that is still too long, `n` too (`k`): the source re-reads such a row by its key.
//
// Installing is idempotent and light: the function and the triggers are (re)created only when
// missing or different, because CREATE TRIGGER locks the table against writers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "sources/postgres/pg_connection.hpp"
#include "sources/postgres/pg_table_catalog.hpp"

namespace livedash::sources::postgres {

//! The schema that holds the trigger function (created when missing).
inline constexpr std::string_view kNotifySchema = "livedash";
inline constexpr std::string_view kNotifyFunction = "notify_change";

//! The triggers' names on each table: one pair per channel, so that two sources with different
//! channels can watch the same table.
struct NotifyTriggerNames {
  std::string row;
  std::string truncate;
};
NotifyTriggerNames notifyTriggerNames(std::string_view channel);

//! The body of the trigger function for a server of `server_version` (such as 150004).
std::string notifyFunctionBody(int server_version);

//! Creates the schema, the function and each table's two triggers where they are missing or
//! differ, in one transaction. Throws PgError: permanent (with what notify mode needs) when a
//! privilege is missing; not permanent when a table's lock is not granted within a few seconds
//! (a long transaction holds it), so the caller retries later.
void installNotifyTriggers(PgConnection& conn, const std::vector<PgTable>& tables,
                           std::string_view channel);

//! A row image from a payload: column → value in the JSON form (nullopt is NULL). Columns the
//! payload leaves out (a key-only image, a column added since the source loaded the table) are
//! simply absent.
using NotifyRow = std::map<std::string, std::optional<std::string>, std::less<>>;

//! One notification, decoded.
struct NotifyEvent {
  uint64_t xid = 0;
  int64_t sequence = 0;
  std::string table;  //!< "schema.table", as PgTable::qualifiedName()
  char op = 'I';      //!< 'I', 'U', 'D' or 'T'
  std::optional<NotifyRow> after;
  std::optional<NotifyRow> before;
  bool after_key_only = false;
  bool before_key_only = false;
};

//! Decodes a payload. Throws core::Error(BadRequest) for anything the trigger would not send
//! (another program notifying on the same channel, say).
NotifyEvent parseNotifyPayload(std::string_view payload);

//! A value in the JSON form (see above), typed as textToValue types the text output of `type`:
//! JSON arrays become lists of typed elements. Text that does not parse stays a string. Types
//! whose JSON form is not their text output in a way this does not undo (composite types, hstore
//! and other types with a cast to json) arrive as the JSON text.
core::Value jsonFormValue(Oid type, std::string_view text);

//! The text output of a scalar value given in the JSON form: they differ for bool, date,
//! timestamp, timestamptz and timetz. Used for element ids (so that a row's id from a
//! notification equals its id from the bootstrap) and before typing values.
std::string jsonFormToText(Oid type, std::string_view text);

}  // namespace livedash::sources::postgres
