// src/sources/embedded/sqlite_value.cpp
#include "sources/embedded/sqlite_value.hpp"

#include <charconv>
#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "core/json.hpp"
#include "sources/embedded/sql_timestamp.hpp"
#include "sources/embedded/sqlite_api.hpp"

namespace livedash::sources::embedded {
namespace {

std::string hexBlob(const void* data, int size) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::string out = "\\x";
  out.reserve(2 + 2 * static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

std::string text(const unsigned char* data, int size) {
  return data != nullptr
             ? std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size))
             : std::string();
}

template <typename T>
bool parseWhole(std::string_view s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && !s.empty();
}

[[noreturn]] void badValue(const ColumnInfo& column, std::string_view expected,
                           const core::Value& value) {
  throw core::Error(core::ErrorCode::BadRequest, "column '" + column.name + "' expects " +
                                                     std::string(expected) + ", got " +
                                                     core::toJson(value));
}

core::Value coerceInteger(const core::Value& value, const ColumnInfo& column) {
  if (value.isInteger()) {
    return value;
  }
  if (value.isBool()) {
    return core::Value(int64_t{value.asBool() ? 1 : 0});
  }
  if (value.isDecimal()) {
    if (std::optional<int64_t> whole = core::decimalToInteger(value.asDecimal())) {
      return core::Value(*whole);
    }
  }
  if (value.isFloat()) {
    const double d = value.asFloat();
    if (std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return core::Value(static_cast<int64_t>(d));
    }
  }
  int64_t parsed = 0;
  if (value.isString() && parseWhole(value.asString(), parsed)) {
    return core::Value(parsed);
  }
  badValue(column, "an integer", value);
}

core::Value coerceFloat(const core::Value& value, const ColumnInfo& column) {
  if (value.isNumber()) {
    return core::Value(value.asNumber());
  }
  double parsed = 0;
  if (value.isString() && parseWhole(value.asString(), parsed)) {
    return core::Value(parsed);
  }
  badValue(column, "a number", value);
}

core::Value coerceBool(const core::Value& value, const ColumnInfo& column) {
  if (value.isBool()) {
    return value;
  }
  if (value.isInteger() && (value.asInteger() == 0 || value.asInteger() == 1)) {
    return core::Value(value.asInteger() == 1);
  }
  if (value.isString()) {
    const std::string& s = value.asString();
    if (equalsIgnoreCase(s, "true") || equalsIgnoreCase(s, "t") || s == "1") {
      return core::Value(true);
    }
    if (equalsIgnoreCase(s, "false") || equalsIgnoreCase(s, "f") || s == "0") {
      return core::Value(false);
    }
  }
  badValue(column, "a boolean", value);
}

core::Value coerceDateTime(const core::Value& value, const ColumnInfo& column) {
  if (value.kind() == core::ValueKind::DateTime) {
    return value;
  }
  if (value.isString()) {
    if (auto ms = parseSqlTimestamp(value.asString())) {
      return core::Value(core::DateTime{*ms});
    }
  }
  badValue(column, "a timestamp such as \"2024-05-01 12:30:00\"", value);
}

}  // namespace

core::Value storageValue(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return core::Value(static_cast<int64_t>(sqlite3_value_int64(value)));
    case SQLITE_FLOAT:
      return core::Value(sqlite3_value_double(value));
    case SQLITE_TEXT:
      return core::Value(text(sqlite3_value_text(value), sqlite3_value_bytes(value)));
    case SQLITE_BLOB:
      return core::Value(hexBlob(sqlite3_value_blob(value), sqlite3_value_bytes(value)));
    default:
      return core::Value();
  }
}

core::Value columnStorageValue(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return core::Value(static_cast<int64_t>(sqlite3_column_int64(stmt, column)));
    case SQLITE_FLOAT:
      return core::Value(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT:
      return core::Value(
          text(sqlite3_column_text(stmt, column), sqlite3_column_bytes(stmt, column)));
    case SQLITE_BLOB:
      return core::Value(
          hexBlob(sqlite3_column_blob(stmt, column), sqlite3_column_bytes(stmt, column)));
    default:
      return core::Value();
  }
}

core::Value typedValue(core::Value storage, ColumnKind kind) {
  switch (kind) {
    case ColumnKind::Float:
      if (storage.isInteger()) {
        return core::Value(static_cast<double>(storage.asInteger()));
      }
      return storage;
    case ColumnKind::Bool:
      if (storage.isInteger()) {
        return core::Value(storage.asInteger() != 0);
      }
      return storage;
    case ColumnKind::DateTime:
      if (storage.isString()) {
        if (auto ms = parseSqlTimestamp(storage.asString())) {
          return core::Value(core::DateTime{*ms});
        }
      }
      return storage;
    case ColumnKind::Any:
    case ColumnKind::Integer:
    case ColumnKind::Text:
      return storage;
  }
  return storage;
}

int bindValue(sqlite3_stmt* stmt, int index, const core::Value& value) {
  switch (value.kind()) {
    case core::ValueKind::Null:
      return sqlite3_bind_null(stmt, index);
    case core::ValueKind::Bool:
      return sqlite3_bind_int64(stmt, index, value.asBool() ? 1 : 0);
    case core::ValueKind::Integer:
      return sqlite3_bind_int64(stmt, index, value.asInteger());
    case core::ValueKind::Float:
      return sqlite3_bind_double(stmt, index, value.asFloat());
    case core::ValueKind::Decimal:
      // SQLite has no exact decimal (NUMERIC affinity would turn text into REAL anyway): a whole
      // value goes in as an integer, any other as the nearest double.
      if (std::optional<int64_t> whole = core::decimalToInteger(value.asDecimal())) {
        return sqlite3_bind_int64(stmt, index, *whole);
      }
      return sqlite3_bind_double(stmt, index, value.asNumber());
    case core::ValueKind::String: {
      const std::string& s = value.asString();
      return sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    case core::ValueKind::DateTime: {
      const std::string s = formatSqlTimestamp(value.asDateTime().epoch_ms);
      return sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    case core::ValueKind::List:
    case core::ValueKind::Map:
    case core::ValueKind::Duration:
    case core::ValueKind::Time:
      break;
  }
  throw core::Error(core::ErrorCode::BadRequest, std::string("a ") +
                                                     core::Value::kindName(value.kind()) +
                                                     " value cannot be stored in a column");
}

core::Value coerceForColumn(const core::Value& value, const ColumnInfo& column) {
  switch (value.kind()) {
    case core::ValueKind::Null:
      return value;
    case core::ValueKind::List:
    case core::ValueKind::Map:
    case core::ValueKind::Duration:
    case core::ValueKind::Time:
      throw core::Error(core::ErrorCode::BadRequest,
                        "column '" + column.name + "' cannot store a " +
                            core::Value::kindName(value.kind()) + " value");
    default:
      break;
  }
  switch (column.kind) {
    case ColumnKind::Integer:
      return coerceInteger(value, column);
    case ColumnKind::Float:
      return coerceFloat(value, column);
    case ColumnKind::Bool:
      return coerceBool(value, column);
    case ColumnKind::DateTime:
      return coerceDateTime(value, column);
    case ColumnKind::Text:
      if (value.isBool()) {
        return core::Value(value.asBool() ? "true" : "false");
      }
      return value;
    case ColumnKind::Any:
      return value;
  }
  return value;
}

std::string keyPartText(const core::Value& storage) {
  switch (storage.kind()) {
    case core::ValueKind::Integer:
      return std::to_string(storage.asInteger());
    case core::ValueKind::Float: {
      // The same text as SQLite's CAST(x AS TEXT), so a composite key can be matched in SQL.
      char* printed = sqlite3_mprintf("%!.15g", storage.asFloat());
      std::string out = printed != nullptr ? printed : "";
      sqlite3_free(printed);
      return out;
    }
    case core::ValueKind::Decimal: {
      // As bound (see bindValue): an integer or the nearest double.
      if (std::optional<int64_t> whole = core::decimalToInteger(storage.asDecimal())) {
        return std::to_string(*whole);
      }
      char* printed = sqlite3_mprintf("%!.15g", storage.asNumber());
      std::string out = printed != nullptr ? printed : "";
      sqlite3_free(printed);
      return out;
    }
    case core::ValueKind::String:
      return storage.asString();
    case core::ValueKind::Bool:
      return storage.asBool() ? "1" : "0";
    case core::ValueKind::DateTime:
      return formatSqlTimestamp(storage.asDateTime().epoch_ms);
    default:
      return std::string();
  }
}

}  // namespace livedash::sources::embedded
