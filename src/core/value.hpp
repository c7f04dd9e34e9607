// src/core/value.hpp
//
// Value is the one dynamic type that flows through livedash: row properties, query expressions,
// aggregate results and result rows. Lists and maps are shared and immutable once built, so copying
// a Value is cheap (at most a refcount bump or a short-string copy).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "core/decimal.hpp"

namespace livedash::core {

class Value;
using List = std::vector<Value>;
// A sorted vector: element properties are a handful of keys, copied on every update, and one
// allocation per copy beats one per key.
using Map = boost::container::flat_map<std::string, Value, std::less<>>;
using ListConstSharedPtr = std::shared_ptr<const List>;
using MapConstSharedPtr = std::shared_ptr<const Map>;

//! Calendar-free instant: milliseconds since the Unix epoch, UTC. Printed as RFC 3339.
struct DateTime {
  int64_t epoch_ms = 0;
  auto operator<=>(const DateTime&) const = default;
};

//! Cypher duration, kept in its months/days/milliseconds parts so that month arithmetic is exact.
struct Duration {
  int64_t months = 0;
  int64_t days = 0;
  int64_t millis = 0;
  auto operator<=>(const Duration&) const = default;
  //! Approximate length used for ordering and for scheduling (a month counts as 30 days).
  int64_t approxMillis() const { return millis + (days + months * 30) * 86'400'000; }
};

//! Time of day in UTC, milliseconds since midnight (0 ..< 86'400'000): Cypher's `time` and
//! `localtime`, which livedash keeps in UTC as it keeps every instant. Printed as `10:30:00.000Z`.
struct TimeOfDay {
  int64_t ms = 0;
  auto operator<=>(const TimeOfDay&) const = default;
};

enum class ValueKind : uint8_t {
  Null,
  Bool,
  Integer,
  Float,
  //! Exact decimal (PostgreSQL numeric); see core/decimal.hpp.
  Decimal,
  String,
  List,
  Map,
  DateTime,
  Duration,
  Time
};

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  //! Stored normalised (no trailing fraction zeros).
  Value(Decimal d) : v_(normalizeDecimal(d)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(List l) : v_(std::make_shared<const List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<const Map>(std::move(m))) {}
  Value(DateTime t) : v_(t) {}
  Value(Duration d) : v_(d) {}
  Value(TimeOfDay t) : v_(t) {}

  ValueKind kind() const { return static_cast<ValueKind>(v_.index()); }
  bool isNull() const { return kind() == ValueKind::Null; }
  bool isBool() const { return kind() == ValueKind::Bool; }
  bool isInteger() const { return kind() == ValueKind::Integer; }
  bool isFloat() const { return kind() == ValueKind::Float; }
  bool isDecimal() const { return kind() == ValueKind::Decimal; }
  bool isNumber() const { return isInteger() || isFloat() || isDecimal(); }
  bool isString() const { return kind() == ValueKind::String; }
  bool isList() const { return kind() == ValueKind::List; }
  bool isMap() const { return kind() == ValueKind::Map; }

  bool asBool() const { return std::get<bool>(v_); }
  int64_t asInteger() const { return std::get<int64_t>(v_); }
  double asFloat() const { return std::get<double>(v_); }
  Decimal asDecimal() const { return std::get<Decimal>(v_); }
  //! Integer, float or decimal as a double (nearest).
  double asNumber() const {
    if (isInteger())
      return static_cast<double>(asInteger());
    if (isDecimal())
      return decimalToDouble(asDecimal());
    return asFloat();
  }
  const std::string& asString() const { return std::get<std::string>(v_); }
  const List& asList() const { return *std::get<ListConstSharedPtr>(v_); }
  const Map& asMap() const { return *std::get<MapConstSharedPtr>(v_); }
  DateTime asDateTime() const { return std::get<DateTime>(v_); }
  Duration asDuration() const { return std::get<Duration>(v_); }
  TimeOfDay asTime() const { return std::get<TimeOfDay>(v_); }

  //! Structural equality; 1, 1.0 and the decimal 1.00 are equal, as in Cypher's `=` on non-null
  //! values. Integers and decimals compare exactly; a float and a decimal compare through the
  //! decimal's nearest double, so the decimal 0.1 equals the float 0.1.
  friend bool operator==(const Value& a, const Value& b);
  //! A total order across all kinds (NULL first, then by kind, then by value), used for
  //! ORDER BY, min/max and ordered indexes. Numbers compare by numeric value.
  friend std::strong_ordering operator<=>(const Value& a, const Value& b);

  size_t hash() const;

  //! Name of the kind, for error messages ("INTEGER", "STRING", ...).
  static const char* kindName(ValueKind kind);

 private:
  std::variant<std::monostate, bool, int64_t, double, Decimal, std::string, ListConstSharedPtr,
               MapConstSharedPtr, DateTime, Duration, TimeOfDay>
      v_;
};

struct ValueHash {
  size_t operator()(const Value& v) const { return v.hash(); }
};

//! Hash of a sequence of values (a row or a group key).
size_t hashValues(const std::vector<Value>& values);

struct ValuesHash {
  size_t operator()(const std::vector<Value>& values) const { return hashValues(values); }
};

}  // namespace livedash::core
