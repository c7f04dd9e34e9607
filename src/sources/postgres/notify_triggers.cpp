// src/sources/postgres/notify_triggers.cpp
#include "sources/postgres/notify_triggers.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/json.hpp"

namespace livedash::sources::postgres {

namespace {

// pg_trigger.tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32.
constexpr int kRowTriggerType = 1 | 4 | 8 | 16;  // AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW
constexpr int kTruncateTriggerType = 32;         // AFTER TRUNCATE FOR EACH STATEMENT
constexpr size_t kMaxIdentifierBytes = 63;
// timetz has no mapping of its own in pg_value.hpp, but its JSON form differs from its text.
constexpr Oid kTimetz = 1266;
// Long enough for a transaction that writes to the table to finish; short enough that start()
// does not hang behind one that never does (and writers queued behind us are not held long).
constexpr const char* kLockTimeout = "5s";

std::string functionName() {
  return fmt::format("{}.{}", kNotifySchema, kNotifyFunction);
}

// FNV-1a: stable across builds, so a long channel maps to the same trigger name every time.
uint64_t stableHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::vector<std::string> triggerArguments(const PgTable& table, std::string_view channel) {
  std::vector<std::string> args = {std::string(channel)};
  for (size_t column : table.key_columns)
    args.push_back(table.columns[column].name);
  return args;
}

// tgargs holds each argument followed by a NUL byte; as bytea hex input it compares exactly.
std::string triggerArgumentsHex(const std::vector<std::string>& args) {
  std::string hex = "\\x";
  for (const std::string& arg : args) {
    for (unsigned char c : arg)
      hex += fmt::format("{:02x}", c);
    hex += "00";
  }
  return hex;
}

bool functionIsCurrent(PgConnection& conn, const std::string& body) {
  PgResult found = conn.execParams(
      "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
      "WHERE n.nspname = $1 AND p.proname = $2 AND p.pronargs = 0",
      {std::string(kNotifySchema), std::string(kNotifyFunction)});
  return found.rows() == 1 && found.text(0, 0) == body;
}

bool triggersAreCurrent(PgConnection& conn, const PgTable& table, std::string_view channel) {
  NotifyTriggerNames names = notifyTriggerNames(channel);
  PgResult found = conn.execParams(
      "SELECT count(*) FROM pg_trigger t "
      "WHERE t.tgrelid = $1::oid AND t.tgenabled <> 'D' AND t.tgargs = $2::bytea "
      "AND t.tgfoid = to_regprocedure($3) "
      "AND ((t.tgname = $4 AND t.tgtype = $5::int) OR (t.tgname = $6 AND t.tgtype = $7::int))",
      {std::to_string(table.oid), triggerArgumentsHex(triggerArguments(table, channel)),
       functionName() + "()", names.row, std::to_string(kRowTriggerType), names.truncate,
       std::to_string(kTruncateTriggerType)});
  return found.text(0, 0) == "2";
}

void createTriggers(PgConnection& conn, const PgTable& table, std::string_view channel) {
  NotifyTriggerNames names = notifyTriggerNames(channel);
  std::string target =
      fmt::format("{}.{}", conn.quoteIdentifier(table.schema), conn.quoteIdentifier(table.name));
  std::string args;
  for (const std::string& arg : triggerArguments(table, channel)) {
    if (!args.empty())
      args += ", ";
    args += conn.quoteLiteral(arg);
  }
  std::string function = fmt::format("{}.{}", conn.quoteIdentifier(kNotifySchema),
                                     conn.quoteIdentifier(kNotifyFunction));
  conn.exec(fmt::format("DROP TRIGGER IF EXISTS {0} ON {1}; DROP TRIGGER IF EXISTS {2} ON {1}",
                        conn.quoteIdentifier(names.row), target,
                        conn.quoteIdentifier(names.truncate)));
  conn.exec(fmt::format(
      "CREATE TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION "
      "{}({})",
      conn.quoteIdentifier(names.row), target, function, args));
  conn.exec(fmt::format(
      "CREATE TRIGGER {} AFTER TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION {}({})",
      conn.quoteIdentifier(names.truncate), target, function, args));
}

[[noreturn]] void rethrowWithContext(const PgError& e, const std::string& step) {
  if (e.sqlstate() == "55P03") {
    // lock_not_available: a busy table, not a configuration fault.
    throw PgError(core::ErrorCode::SourceUnavailable,
                  fmt::format("{}: the table stayed locked by another transaction for {}; will "
                              "retry",
                              step, kLockTimeout),
                  e.sqlstate(), false);
  }
  std::string hint;
  if (e.sqlstate() == "42501") {
    hint = fmt::format(
        " (notify mode installs a trigger on each table: the user needs to own the tables, or "
        "have the TRIGGER privilege on them, and CREATE on the database for the `{}` schema)",
        kNotifySchema);
  }
  throw PgError(e.code(), fmt::format("{}: {}{}", step, e.what(), hint), e.sqlstate(),
                e.permanent());
}

// ---- the JSON form ----------------------------------------------------------------------------

bool isJsonType(Oid type) {
  return type == type_oid::kJson || type == type_oid::kJsonb;
}

bool isFloatType(Oid type) {
  return type == type_oid::kFloat4 || type == type_oid::kFloat8;
}

core::Value scalarValue(Oid type, std::string_view text) {
  try {
    return textToValue(type, jsonFormToText(type, text));
  } catch (const core::Error&) {
    // Better a string than a stream stopped by one odd value.
    return core::Value(text);
  }
}

//! One level of a JSON array as row_to_json writes a PostgreSQL array: nested arrays for more
//! dimensions, elements in their own JSON form.
core::Value arrayElementValue(Oid element, const core::Value& json) {
  if (json.isList()) {
    core::List out;
    out.reserve(json.asList().size());
    for (const core::Value& item : json.asList())
      out.push_back(arrayElementValue(element, item));
    return core::Value(std::move(out));
  }
  if (json.isString())
    return scalarValue(element, json.asString());
  if (json.isInteger() && isFloatType(element))
    return core::Value(static_cast<double>(json.asInteger()));
  if (json.isFloat() && element == type_oid::kNumeric) {
    // row_to_json writes numeric digits as a JSON number, parsed to the nearest double; its
    // shortest form gives back the digits of any numeric with up to 15 significant digits.
    if (std::optional<core::Decimal> exact = core::parseDecimal(fmt::format("{}", json.asFloat())))
      return core::Value(*exact);
  }
  return json;  // numbers, booleans and NULL are already what textToValue would give
}

[[noreturn]] void badPayload(std::string_view why, std::string_view payload) {
  constexpr size_t kShown = 120;
  throw core::Error(core::ErrorCode::BadRequest,
                    fmt::format("not a livedash notify payload ({}): {}{}", why,
                                payload.substr(0, kShown), payload.size() > kShown ? "…" : ""));
}

const core::Value* field(const core::Map& object, std::string_view name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &it->second;
}

std::optional<NotifyRow> rowImage(const core::Map& object, std::string_view name,
                                  std::string_view payload) {
  const core::Value* value = field(object, name);
  if (!value || value->isNull())
    return std::nullopt;
  if (!value->isMap())
    badPayload(fmt::format("`{}` is not an object", name), payload);
  NotifyRow row;
  for (const auto& [column, cell] : value->asMap()) {
    if (cell.isNull())
      row.emplace(column, std::nullopt);
    else if (cell.isString())
      row.emplace(column, cell.asString());
    else
      badPayload(fmt::format("`{}.{}` is not a string", name, column), payload);
  }
  return row;
}

bool flag(const core::Map& object, std::string_view name) {
  const core::Value* value = field(object, name);
  return value && value->isBool() && value->asBool();
}

}  // namespace

NotifyTriggerNames notifyTriggerNames(std::string_view channel) {
  constexpr std::string_view kPrefix = "livedash_notify_";
  constexpr std::string_view kTruncateSuffix = "_truncate";
  std::string tag(channel);
  if (kPrefix.size() + tag.size() + kTruncateSuffix.size() > kMaxIdentifierBytes)
    tag = fmt::format("{:016x}", stableHash(channel));
  std::string row = std::string(kPrefix) + tag;
  return {row, row + std::string(kTruncateSuffix)};
}

std::string notifyFunctionBody(int server_version) {
  // pg_current_xact_id() is PostgreSQL 13's name for txid_current(); both are epoch-qualified.
  std::string body = R"(
DECLARE
  seq bigint := coalesce(nullif(current_setting('livedash.notify_seq', true), ''), '0')::bigint + 1;
  xid text := @XID@;
  tab text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
  op text := left(TG_OP, 1);
  keys text[] := TG_ARGV[1:TG_NARGS - 1];
  after json;
  before json;
  payload text;
BEGIN
  -- A session-level counter: it only has to differ between the notifications of a transaction.
  PERFORM set_config('livedash.notify_seq', seq::text, false);
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify(TG_ARGV[0], json_build_object('x', xid, 's', seq, 't', tab, 'o', op)::text);
    RETURN NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    after := (SELECT json_object_agg(key, value) FROM json_each_text(row_to_json(NEW)));
  END IF;
  IF TG_OP <> 'INSERT' THEN
    before := (SELECT json_object_agg(key, value) FROM json_each_text(row_to_json(OLD)));
  END IF;
  payload := json_build_object('x', xid, 's', seq, 't', tab, 'o', op,
                               'n', after, 'b', before)::text;
  -- NOTIFY takes less than 8000 bytes: first the old row shrinks to its key, then the new one.
  IF octet_length(payload) >= 8000 AND before IS NOT NULL THEN
    before := (SELECT json_object_agg(key, value) FROM json_each_text(row_to_json(OLD))
               WHERE key = ANY (keys));
    payload := json_build_object('x', xid, 's', seq, 't', tab, 'o', op, 'kb', true,
                                 'n', after, 'b', before)::text;
  END IF;
  IF octet_length(payload) >= 8000 AND after IS NOT NULL THEN
    after := (SELECT json_object_agg(key, value) FROM json_each_text(row_to_json(NEW))
              WHERE key = ANY (keys));
    payload := json_build_object('x', xid, 's', seq, 't', tab, 'o', op, 'k', true, 'kb', true,
                                 'n', after, 'b', before)::text;
  END IF;
  PERFORM pg_notify(TG_ARGV[0], payload);
  RETURN NULL;
END
)";
  constexpr std::string_view kXidMarker = "@XID@";
  body.replace(body.find(kXidMarker), kXidMarker.size(),
               server_version >= 130000 ? "pg_current_xact_id()::text" : "txid_current()::text");
  return body;
}

void installNotifyTriggers(PgConnection& conn, const std::vector<PgTable>& tables,
                           std::string_view channel) {
  std::string body = notifyFunctionBody(conn.serverVersion());
  bool function_current = functionIsCurrent(conn, body);
  std::vector<const PgTable*> stale;
  for (const PgTable& table : tables) {
    if (!function_current || !triggersAreCurrent(conn, table, channel))
      stale.push_back(&table);
  }
  if (function_current && stale.empty())
    return;
  std::string step = fmt::format("cannot create the trigger function {}", functionName());
  try {
    conn.exec(fmt::format("BEGIN; SET LOCAL lock_timeout = '{}'", kLockTimeout));
    if (!function_current) {
      // The SET clauses pin how values print inside the function, whatever the writer's session
      // uses; they are restored when the function returns.
      conn.exec(
          fmt::format("CREATE SCHEMA IF NOT EXISTS {0}; "
                      "CREATE OR REPLACE FUNCTION {0}.{1}() RETURNS trigger LANGUAGE plpgsql "
                      "SET \"TimeZone\" TO 'UTC' SET \"IntervalStyle\" TO 'iso_8601' "
                      "SET extra_float_digits TO 3 AS {2}",
                      conn.quoteIdentifier(kNotifySchema), conn.quoteIdentifier(kNotifyFunction),
                      conn.quoteLiteral(body)));
    }
    for (const PgTable* table : stale) {
      step = fmt::format("cannot install the notify triggers on `{}`", table->qualifiedName());
      createTriggers(conn, *table, channel);
    }
    conn.exec("COMMIT");
  } catch (const PgError& e) {
    if (conn.ok()) {
      try {
        conn.exec("ROLLBACK");
      } catch (const PgError&) {
        // The original error says more.
      }
    }
    rethrowWithContext(e, step);
  }
}

NotifyEvent parseNotifyPayload(std::string_view payload) {
  core::Value doc;
  try {
    doc = core::parseJson(payload);
  } catch (const core::Error& e) {
    badPayload(e.what(), payload);
  }
  if (!doc.isMap())
    badPayload("not an object", payload);
  const core::Map& object = doc.asMap();
  NotifyEvent event;

  const core::Value* xid = field(object, "x");
  if (!xid || !xid->isString())
    badPayload("no `x`", payload);
  const std::string& xid_text = xid->asString();
  auto [end, ec] = std::from_chars(xid_text.data(), xid_text.data() + xid_text.size(), event.xid);
  if (ec != std::errc() || end != xid_text.data() + xid_text.size())
    badPayload("`x` is not a transaction id", payload);

  if (const core::Value* sequence = field(object, "s"); sequence && sequence->isInteger())
    event.sequence = sequence->asInteger();
  const core::Value* table = field(object, "t");
  if (!table || !table->isString())
    badPayload("no `t`", payload);
  event.table = table->asString();
  const core::Value* op = field(object, "o");
  if (!op || !op->isString() || op->asString().size() != 1 ||
      std::string_view("IUDT").find(op->asString()[0]) == std::string_view::npos)
    badPayload("`o` is not one of I, U, D, T", payload);
  event.op = op->asString()[0];

  event.after = rowImage(object, "n", payload);
  event.before = rowImage(object, "b", payload);
  event.after_key_only = flag(object, "k");
  event.before_key_only = flag(object, "kb") || event.after_key_only;
  bool needs_after = event.op == 'I' || event.op == 'U';
  bool needs_before = event.op == 'U' || event.op == 'D';
  if ((needs_after && !event.after) || (needs_before && !event.before))
    badPayload("a row image is missing", payload);
  return event;
}

core::Value jsonFormValue(Oid type, std::string_view text) {
  Oid element = arrayElementType(type);
  if (element == 0 || text.empty() || text.front() != '[')
    return scalarValue(type, text);
  core::Value json;
  try {
    json = core::parseJson(text);
  } catch (const core::Error&) {
    return core::Value(text);
  }
  // For json[] and jsonb[], the elements are JSON values already.
  if (isJsonType(element))
    return json;
  return arrayElementValue(element, json);
}

std::string jsonFormToText(Oid type, std::string_view text) {
  switch (type) {
    case type_oid::kBool:
      return text == "true" ? "t" : text == "false" ? "f" : std::string(text);
    case type_oid::kDate:
    case type_oid::kTimestamp:
    case type_oid::kTimestamptz:
    case kTimetz: {
      // ISO 8601 as JSON writes it: "2024-05-01T10:00:00.5+00:00", " BC" last. The text output
      // has a space for the `T` and leaves out zero offset minutes.
      std::string out(text);
      std::string era;
      if (out.ends_with(" BC")) {
        era = " BC";
        out.resize(out.size() - era.size());
      }
      if (size_t t = out.find('T'); t != std::string::npos)
        out[t] = ' ';
      size_t n = out.size();
      bool has_offset = type == type_oid::kTimestamptz || type == kTimetz;
      if (has_offset && n >= 6 && (out[n - 6] == '+' || out[n - 6] == '-') && out[n - 3] == ':' &&
          out.compare(n - 2, 2, "00") == 0)
        out.resize(n - 3);
      return out + era;
    }
    default:
      return std::string(text);
  }
}

}  // namespace livedash::sources::postgres
