// src/sources/postgres/pg_value.hpp
//
// Values in PostgreSQL's text output format, as pgoutput, COPY and a text-mode query give them,
// turned into livedash values by the column's type OID. The session that produces the text must
// use DateStyle=ISO, IntervalStyle=iso_8601 and TimeZone=UTC (PgConnection sets them), but
// timestamptz with any offset is read correctly.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/value.hpp"

namespace livedash::sources::postgres {

using Oid = uint32_t;

//! Built-in type OIDs (pg_type.dat), the ones with a mapping of their own.
namespace type_oid {
inline constexpr Oid kBool = 16;
inline constexpr Oid kBytea = 17;
inline constexpr Oid kChar = 18;
inline constexpr Oid kName = 19;
inline constexpr Oid kInt8 = 20;
inline constexpr Oid kInt2 = 21;
inline constexpr Oid kInt4 = 23;
inline constexpr Oid kText = 25;
inline constexpr Oid kOid = 26;
inline constexpr Oid kJson = 114;
inline constexpr Oid kFloat4 = 700;
inline constexpr Oid kFloat8 = 701;
inline constexpr Oid kBpchar = 1042;
inline constexpr Oid kVarchar = 1043;
inline constexpr Oid kDate = 1082;
inline constexpr Oid kTime = 1083;
inline constexpr Oid kTimestamp = 1114;
inline constexpr Oid kTimestamptz = 1184;
inline constexpr Oid kInterval = 1186;
inline constexpr Oid kNumeric = 1700;
inline constexpr Oid kUuid = 2950;
inline constexpr Oid kJsonb = 3802;
}  // namespace type_oid

//! The element type of a built-in array type (int4[] → int4), or 0 when `oid` is not one.
Oid arrayElementType(Oid oid);

//! Converts one non-NULL value:
//! - int2, int4, int8, oid → Integer;
//! - float4, float8 → Float ("NaN", "Infinity", "-Infinity" included);
//! - numeric → numericValue() (Integer, exact Decimal, or Float);
//! - bool ("t"/"f") → Bool;
//! - text, varchar, bpchar, name, char, uuid, time, bytea (as its \x… text) → String;
//! - timestamp (taken as UTC), timestamptz (any offset) → DateTime; date → DateTime at 00:00 UTC;
//!   "infinity"/"-infinity" → String;
//! - interval (iso_8601 style, "P1Y2M3DT4H5M6.5S", or the postgres style) → Duration;
//! - json, jsonb → the parsed JSON (Map, List, String, Integer, Float, Bool, Null);
//! - arrays of any of these (`{1,2,NULL}`, quoted elements, nested) → List;
//! - any other type → its text as a String.
//! Malformed text for a known type throws core::Error(BadRequest) naming the type and the text.
core::Value textToValue(Oid type, std::string_view text);

//! numeric's text: an integer that fits in 64 bits → Integer; otherwise, with at most 38
//! significant digits and 38 fraction digits (trailing zeros not counted) → Decimal, exact
//! ("129.90" → 129.9); otherwise Float: NaN, ±Infinity, and longer values rounded to the nearest
//! double (saturating to ±Infinity or ±0 beyond its range).
//! This is the one place that decides how numeric is represented.
core::Value numericValue(std::string_view text);

}  // namespace livedash::sources::postgres
