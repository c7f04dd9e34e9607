// src/core/value.cpp
#include "core/value.hpp"

#include <cmath>
#include <functional>

namespace livedash::core {
namespace {

size_t mix(size_t seed, size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

// Numbers share one rank so that 1 and 1.0 sort together.
int kindRank(ValueKind k) {
  switch (k) {
    case ValueKind::Null:
      return 0;
    case ValueKind::Bool:
      return 1;
    case ValueKind::Integer:
    case ValueKind::Float:
    case ValueKind::Decimal:
      return 2;
    case ValueKind::String:
      return 3;
    case ValueKind::DateTime:
      return 4;
    case ValueKind::Duration:
      return 5;
    case ValueKind::Time:
      return 6;
    case ValueKind::List:
      return 7;
    case ValueKind::Map:
      return 8;
  }
  return 8;
}

// NaN sorts after every other number so that the order stays total.
std::strong_ordering compareDoubles(double x, double y) {
  bool xn = std::isnan(x);
  bool yn = std::isnan(y);
  if (xn || yn) {
    return xn == yn ? std::strong_ordering::equal
                    : (xn ? std::strong_ordering::greater : std::strong_ordering::less);
  }
  if (x < y)
    return std::strong_ordering::less;
  if (x > y)
    return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

std::strong_ordering compareNumbers(const Value& a, const Value& b) {
  // Integers and decimals compare by exact value. A float against a decimal compares with the
  // decimal's nearest double: a float literal means the decimal written the same way, so
  // `o.total = 129.99` matches a numeric 129.99 (exact comparison would say the double 129.99,
  // 129.990000000000009…, is larger).
  switch (a.kind()) {
    case ValueKind::Integer:
      if (b.isInteger())
        return a.asInteger() <=> b.asInteger();
      if (b.isFloat())
        return compareIntegerDouble(a.asInteger(), b.asFloat());
      return 0 <=> compareDecimal(b.asDecimal(), a.asInteger());
    case ValueKind::Decimal:
      if (b.isInteger())
        return compareDecimal(a.asDecimal(), b.asInteger());
      if (b.isFloat())
        return compareDoubles(decimalToDouble(a.asDecimal()), b.asFloat());
      return compareDecimal(a.asDecimal(), b.asDecimal());
    default:  // Float
      if (b.isInteger())
        return 0 <=> compareIntegerDouble(b.asInteger(), a.asFloat());
      if (b.isDecimal())
        return compareDoubles(a.asFloat(), decimalToDouble(b.asDecimal()));
      break;
  }
  return compareDoubles(a.asFloat(), b.asFloat());
}

}  // namespace

bool operator==(const Value& a, const Value& b) {
  return (a <=> b) == 0;
}

std::strong_ordering operator<=>(const Value& a, const Value& b) {
  int ra = kindRank(a.kind());
  int rb = kindRank(b.kind());
  if (ra != rb) {
    return ra <=> rb;
  }
  switch (a.kind()) {
    case ValueKind::Null:
      return std::strong_ordering::equal;
    case ValueKind::Bool:
      return a.asBool() <=> b.asBool();
    case ValueKind::Integer:
    case ValueKind::Float:
    case ValueKind::Decimal:
      return compareNumbers(a, b);
    case ValueKind::String:
      return a.asString().compare(b.asString()) <=> 0;
    case ValueKind::DateTime:
      return a.asDateTime() <=> b.asDateTime();
    case ValueKind::Duration:
      return a.asDuration() <=> b.asDuration();
    case ValueKind::Time:
      return a.asTime() <=> b.asTime();
    case ValueKind::List: {
      const List& x = a.asList();
      const List& y = b.asList();
      return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end());
    }
    case ValueKind::Map: {
      const Map& x = a.asMap();
      const Map& y = b.asMap();
      auto xi = x.begin();
      auto yi = y.begin();
      for (; xi != x.end() && yi != y.end(); ++xi, ++yi) {
        if (auto c = xi->first.compare(yi->first) <=> 0; c != 0)
          return c;
        if (auto c = xi->second <=> yi->second; c != 0)
          return c;
      }
      return x.size() <=> y.size();
    }
  }
  return std::strong_ordering::equal;
}

size_t Value::hash() const {
  switch (kind()) {
    case ValueKind::Null:
      return 0x6e756c6c;
    case ValueKind::Bool:
      return asBool() ? 0x74727565 : 0x66616c73;
    case ValueKind::Integer:
      return std::hash<double>{}(static_cast<double>(asInteger()));
    // Equal numbers must hash alike: 1 == 1.0, so integers and floats hash through double.
    case ValueKind::Float:
      return std::hash<double>{}(asFloat());
    // Whole decimals hash like the integer, those exactly a double like the double.
    case ValueKind::Decimal:
      return hashDecimal(asDecimal());
    case ValueKind::String:
      return std::hash<std::string>{}(asString());
    case ValueKind::DateTime:
      return mix(0x7464, std::hash<int64_t>{}(asDateTime().epoch_ms));
    case ValueKind::Duration: {
      Duration d = asDuration();
      return mix(mix(mix(0x6475, d.months), d.days), d.millis);
    }
    case ValueKind::Time:
      return mix(0x746d, std::hash<int64_t>{}(asTime().ms));
    case ValueKind::List:
      return mix(0x6c73, hashValues(asList()));
    case ValueKind::Map: {
      size_t h = 0x6d70;
      for (const auto& [k, v] : asMap()) {
        h = mix(mix(h, std::hash<std::string>{}(k)), v.hash());
      }
      return h;
    }
  }
  return 0;
}

const char* Value::kindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::Null:
      return "NULL";
    case ValueKind::Bool:
      return "BOOLEAN";
    case ValueKind::Integer:
      return "INTEGER";
    case ValueKind::Float:
      return "FLOAT";
    // Cypher has no decimal type: a decimal is a FLOAT to type checks and error messages.
    case ValueKind::Decimal:
      return "FLOAT";
    case ValueKind::String:
      return "STRING";
    case ValueKind::List:
      return "LIST";
    case ValueKind::Map:
      return "MAP";
    case ValueKind::DateTime:
      return "DATETIME";
    case ValueKind::Duration:
      return "DURATION";
    case ValueKind::Time:
      return "TIME";
  }
  return "?";
}

size_t hashValues(const std::vector<Value>& values) {
  size_t h = values.size();
  for (const Value& v : values) {
    h = mix(h, v.hash());
  }
  return h;
}

}  // namespace livedash::core
