// src/engine/eval/operators.cpp
#include "engine/eval/operators.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <regex>

#include "core/calendar.hpp"

namespace livedash::engine {

using core::Value;
using core::ValueKind;
using query::Operator;

namespace {

bool comparableKinds(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber())
    return true;
  return a.kind() == b.kind();
}

Value arithmetic(Operator op, const Value& a, const Value& b) {
  if (a.isInteger() && b.isInteger() && op != Operator::Pow) {
    int64_t x = a.asInteger();
    int64_t y = b.asInteger();
    int64_t r = 0;
    switch (op) {
      case Operator::Add:
        if (__builtin_add_overflow(x, y, &r))
          return Value();
        return Value(r);
      case Operator::Sub:
        if (__builtin_sub_overflow(x, y, &r))
          return Value();
        return Value(r);
      case Operator::Mul:
        if (__builtin_mul_overflow(x, y, &r))
          return Value();
        return Value(r);
      case Operator::Div:
        if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1))
          return Value();
        return Value(x / y);
      case Operator::Mod:
        if (y == 0 || y == -1)
          return y == 0 ? Value() : Value(int64_t{0});
        return Value(x % y);
      default:
        return Value();
    }
  }
  if ((a.isDecimal() || b.isDecimal()) && !a.isFloat() && !b.isFloat()) {
    // Decimal with decimal or integer: + - * stay exact; / % ^ and overflow go through double.
    core::Decimal x = a.isDecimal() ? a.asDecimal() : core::decimalFromInteger(a.asInteger());
    core::Decimal y = b.isDecimal() ? b.asDecimal() : core::decimalFromInteger(b.asInteger());
    std::optional<core::Decimal> r;
    if (op == Operator::Add)
      r = core::addDecimal(x, y);
    else if (op == Operator::Sub)
      r = core::subtractDecimal(x, y);
    else if (op == Operator::Mul)
      r = core::multiplyDecimal(x, y);
    if (r)
      return Value(*r);
  }
  double x = a.asNumber();
  double y = b.asNumber();
  switch (op) {
    case Operator::Add:
      return Value(x + y);
    case Operator::Sub:
      return Value(x - y);
    case Operator::Mul:
      return Value(x * y);
    case Operator::Div:
      return Value(x / y);
    case Operator::Mod:
      return Value(std::fmod(x, y));
    case Operator::Pow:
      return Value(std::pow(x, y));
    default:
      return Value();
  }
}

// A time of day plus or minus a duration wraps around midnight; whole days and months of the
// duration change nothing, as in Cypher. Two times subtract to the duration between them.
Value timeOfDayArithmetic(Operator op, const Value& a, const Value& b) {
  auto wrap = [](int64_t ms) {
    return Value(core::TimeOfDay{ms - core::floorDiv(ms, core::kMsPerDay) * core::kMsPerDay});
  };
  if (a.kind() == ValueKind::Time && b.kind() == ValueKind::Duration) {
    int64_t delta = b.asDuration().millis;
    return wrap(a.asTime().ms + (op == Operator::Add ? delta : -delta));
  }
  if (a.kind() == ValueKind::Duration && b.kind() == ValueKind::Time && op == Operator::Add)
    return wrap(b.asTime().ms + a.asDuration().millis);
  if (a.kind() == ValueKind::Time && b.kind() == ValueKind::Time && op == Operator::Sub)
    return Value(core::Duration{0, 0, a.asTime().ms - b.asTime().ms});
  return Value();
}

Value temporalArithmetic(Operator op, const Value& a, const Value& b) {
  using core::DateTime;
  using core::Duration;
  if (a.kind() == ValueKind::DateTime && b.kind() == ValueKind::Duration) {
    // Month and day parts are applied as fixed lengths: instants here are UTC, with no calendar
    // zone, so a day is always 24 hours.
    int64_t delta = b.asDuration().approxMillis();
    int64_t t = a.asDateTime().epoch_ms;
    return Value(DateTime{op == Operator::Add ? t + delta : t - delta});
  }
  if (a.kind() == ValueKind::Duration && b.kind() == ValueKind::DateTime && op == Operator::Add) {
    return Value(DateTime{b.asDateTime().epoch_ms + a.asDuration().approxMillis()});
  }
  if (a.kind() == ValueKind::Duration && b.kind() == ValueKind::Duration) {
    Duration x = a.asDuration();
    Duration y = b.asDuration();
    int sign = op == Operator::Add ? 1 : -1;
    return Value(
        Duration{x.months + sign * y.months, x.days + sign * y.days, x.millis + sign * y.millis});
  }
  if (a.kind() == ValueKind::DateTime && b.kind() == ValueKind::DateTime && op == Operator::Sub) {
    return Value(Duration{0, 0, a.asDateTime().epoch_ms - b.asDateTime().epoch_ms});
  }
  return timeOfDayArithmetic(op, a, b);
}

Value add(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber())
    return arithmetic(Operator::Add, a, b);
  if (a.isString() && b.isString())
    return Value(a.asString() + b.asString());
  if (a.isList()) {
    core::List out = a.asList();
    if (b.isList()) {
      out.insert(out.end(), b.asList().begin(), b.asList().end());
    } else {
      out.push_back(b);
    }
    return Value(std::move(out));
  }
  if (b.isList()) {
    core::List out{a};
    out.insert(out.end(), b.asList().begin(), b.asList().end());
    return Value(std::move(out));
  }
  return temporalArithmetic(Operator::Add, a, b);
}

Value membership(const Value& item, const Value& list) {
  if (list.isNull())
    return Value();
  if (!list.isList())
    return Value();
  bool saw_null = item.isNull();
  for (const Value& v : list.asList()) {
    if (v.isNull()) {
      saw_null = true;
    } else if (!item.isNull() && v == item) {
      return Value(true);
    }
  }
  return saw_null ? Value() : Value(false);
}

Value stringPredicate(Operator op, const Value& a, const Value& b) {
  if (!a.isString() || !b.isString())
    return Value();
  const std::string& s = a.asString();
  const std::string& t = b.asString();
  switch (op) {
    case Operator::StartsWith:
      return Value(s.compare(0, t.size(), t) == 0);
    case Operator::EndsWith:
      return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
    case Operator::Contains:
      return Value(s.find(t) != std::string::npos);
    case Operator::RegexMatch:
      try {
        return Value(std::regex_match(s, std::regex(t)));
      } catch (const std::regex_error&) {
        return Value();
      }
    default:
      return Value();
  }
}

}  // namespace

Value compareValues(Operator op, const Value& a, const Value& b) {
  if (a.isNull() || b.isNull())
    return Value();
  if (op == Operator::Eq)
    return Value(a == b);
  if (op == Operator::Ne)
    return Value(!(a == b));
  if (!comparableKinds(a, b) || a.isList() || a.isMap())
    return Value();
  auto c = a <=> b;
  switch (op) {
    case Operator::Lt:
      return Value(c < 0);
    case Operator::Le:
      return Value(c <= 0);
    case Operator::Gt:
      return Value(c > 0);
    case Operator::Ge:
      return Value(c >= 0);
    default:
      return Value();
  }
}

Value applyBinary(Operator op, const Value& a, const Value& b) {
  switch (op) {
    case Operator::Eq:
    case Operator::Ne:
    case Operator::Lt:
    case Operator::Le:
    case Operator::Gt:
    case Operator::Ge:
      return compareValues(op, a, b);
    case Operator::In:
      return membership(a, b);
    default:
      break;
  }
  if (a.isNull() || b.isNull())
    return Value();
  switch (op) {
    case Operator::Add:
      return add(a, b);
    case Operator::Sub:
      if (a.isNumber() && b.isNumber())
        return arithmetic(op, a, b);
      return temporalArithmetic(op, a, b);
    case Operator::Mul:
    case Operator::Div:
    case Operator::Mod:
    case Operator::Pow:
      if (a.isNumber() && b.isNumber())
        return arithmetic(op, a, b);
      return Value();
    case Operator::StartsWith:
    case Operator::EndsWith:
    case Operator::Contains:
    case Operator::RegexMatch:
      return stringPredicate(op, a, b);
    default:
      return Value();
  }
}

Value applyUnary(Operator op, const Value& a) {
  switch (op) {
    case Operator::IsNull:
      return Value(a.isNull());
    case Operator::IsNotNull:
      return Value(!a.isNull());
    case Operator::Not:
      return a.isBool() ? Value(!a.asBool()) : Value();
    case Operator::Neg:
      if (a.isInteger()) {
        return a.asInteger() == std::numeric_limits<int64_t>::min() ? Value()
                                                                    : Value(-a.asInteger());
      }
      if (a.isFloat())
        return Value(-a.asFloat());
      if (a.isDecimal())
        return Value(core::negateDecimal(a.asDecimal()));
      if (a.kind() == ValueKind::Duration) {
        core::Duration d = a.asDuration();
        return Value(core::Duration{-d.months, -d.days, -d.millis});
      }
      return Value();
    case Operator::Pos:
      return a.isNumber() ? a : Value();
    default:
      return Value();
  }
}

}  // namespace livedash::engine
