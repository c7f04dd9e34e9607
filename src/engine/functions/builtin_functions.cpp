// src/engine/functions/builtin_functions.cpp
//
// One row per scalar function. Implementations return NULL for NULL or mistyped input, as Cypher
// does for data it cannot use, so a bad row never stops the query.
#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/calendar.hpp"
#include "core/json.hpp"
#include "engine/eval/eval_context.hpp"
#include "engine/functions/function_registry.hpp"
#include "engine/functions/temporal_parse.hpp"
#include "engine/functions/utf8.hpp"

namespace livedash::engine {

using core::Value;
using Args = std::vector<Value>;

namespace {

Value toStringValue(const Value& v) {
  switch (v.kind()) {
    case core::ValueKind::Null:
      return Value();
    case core::ValueKind::String:
      return v;
    case core::ValueKind::Bool:
      return Value(v.asBool() ? "true" : "false");
    case core::ValueKind::Integer:
      return Value(fmt::format("{}", v.asInteger()));
    case core::ValueKind::Float:
      return Value(fmt::format("{}", v.asFloat()));
    case core::ValueKind::Decimal:
      return Value(core::formatDecimal(v.asDecimal()));
    case core::ValueKind::DateTime:
      return Value(core::formatDateTime(v.asDateTime()));
    case core::ValueKind::Duration:
      return Value(core::formatDuration(v.asDuration()));
    case core::ValueKind::Time:
      return Value(core::formatTime(v.asTime()));
    default:
      return Value();
  }
}

Value toIntegerValue(const Value& v) {
  if (v.isInteger())
    return v;
  if (v.isFloat()) {
    double d = v.asFloat();
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18)
      return Value();
    return Value(static_cast<int64_t>(d));
  }
  if (v.isDecimal()) {
    // Truncates toward zero, exactly.
    std::optional<int64_t> i = core::decimalToInteger(core::truncateDecimal(v.asDecimal()));
    return i ? Value(*i) : Value();
  }
  if (v.isBool())
    return Value(int64_t{v.asBool() ? 1 : 0});
  if (v.isString()) {
    try {
      size_t used = 0;
      double d = std::stod(v.asString(), &used);
      if (used != v.asString().size())
        return Value();
      return toIntegerValue(Value(d));
    } catch (const std::exception&) {
      return Value();
    }
  }
  return Value();
}

Value toFloatValue(const Value& v) {
  if (v.isNumber())
    return Value(v.asNumber());
  if (v.isString()) {
    try {
      size_t used = 0;
      double d = std::stod(v.asString(), &used);
      return used == v.asString().size() ? Value(d) : Value();
    } catch (const std::exception&) {
      return Value();
    }
  }
  return Value();
}

Value toBooleanValue(const Value& v) {
  if (v.isBool())
    return v;
  if (v.isString()) {
    std::string s = v.asString();
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true")
      return Value(true);
    if (s == "false")
      return Value(false);
  }
  if (v.isInteger())
    return Value(v.asInteger() != 0);
  return Value();
}

// A string's size counts characters (code points), not bytes.
Value sizeOf(const Args& a, const EvalContext&) {
  if (a[0].isString())
    return Value(utf8Length(a[0].asString()));
  if (a[0].isList())
    return Value(static_cast<int64_t>(a[0].asList().size()));
  if (a[0].isMap())
    return Value(static_cast<int64_t>(a[0].asMap().size()));
  return Value();
}

Value charLength(const Args& a, const EvalContext&) {
  return a[0].isString() ? Value(utf8Length(a[0].asString())) : Value();
}

Value roundValue(const Args& a, const EvalContext&) {
  if (!a[0].isNumber())
    return Value();
  if (a.size() < 2)
    return Value(std::round(a[0].asNumber()));
  if (!a[1].isInteger())
    return Value();
  double scale = std::pow(10.0, static_cast<double>(a[1].asInteger()));
  return Value(std::round(a[0].asNumber() * scale) / scale);
}

Value rangeOf(const Args& a, const EvalContext&) {
  for (const Value& v : a) {
    if (!v.isInteger())
      return Value();
  }
  int64_t from = a[0].asInteger();
  int64_t to = a[1].asInteger();
  int64_t step = a.size() > 2 ? a[2].asInteger() : 1;
  if (step == 0)
    return Value();
  core::List out;
  for (int64_t i = from; step > 0 ? i <= to : i >= to; i += step) {
    if (out.size() >= 1'000'000)
      return Value();
    out.emplace_back(i);
  }
  return Value(std::move(out));
}

Value durationBetween(const Args& a, const EvalContext&) {
  if (a[0].kind() == core::ValueKind::Time && a[1].kind() == core::ValueKind::Time)
    return Value(core::Duration{0, 0, a[1].asTime().ms - a[0].asTime().ms});
  Value from = parseDateTimeValue(a[0]);
  Value to = parseDateTimeValue(a[1]);
  if (from.kind() != core::ValueKind::DateTime || to.kind() != core::ValueKind::DateTime) {
    return Value();
  }
  return Value(core::Duration{0, 0, to.asDateTime().epoch_ms - from.asDateTime().epoch_ms});
}

Value durationIn(const Args& a, int64_t unit_ms) {
  Value from = parseDateTimeValue(a[0]);
  Value to = parseDateTimeValue(a[1]);
  if (from.kind() != core::ValueKind::DateTime || to.kind() != core::ValueKind::DateTime) {
    return Value();
  }
  int64_t delta = to.asDateTime().epoch_ms - from.asDateTime().epoch_ms;
  return Value(core::Duration{0, unit_ms == 86'400'000 ? delta / unit_ms : 0,
                              unit_ms == 86'400'000 ? 0 : delta / unit_ms * unit_ms});
}

// Whole calendar months from the first instant to the second (negative when it runs backwards),
// counting a month only once the day and time of day are reached, as Neo4j does.
Value durationInMonths(const Args& a, const EvalContext&) {
  Value from = parseDateTimeValue(a[0]);
  Value to = parseDateTimeValue(a[1]);
  if (from.kind() != core::ValueKind::DateTime || to.kind() != core::ValueKind::DateTime) {
    return Value();
  }
  int64_t from_ms = from.asDateTime().epoch_ms;
  int64_t to_ms = to.asDateTime().epoch_ms;
  bool backwards = to_ms < from_ms;
  if (backwards)
    std::swap(from_ms, to_ms);
  core::CivilDate start = core::civilFromDays(core::floorDiv(from_ms, core::kMsPerDay));
  core::CivilDate end = core::civilFromDays(core::floorDiv(to_ms, core::kMsPerDay));
  int64_t months = (end.year - start.year) * 12 + (static_cast<int64_t>(end.month) - start.month);
  // Position within the month, in ms: day of month and time of day together.
  auto inMonth = [](int64_t ms, const core::CivilDate& date) {
    return (date.day - 1) * core::kMsPerDay +
           (ms - core::floorDiv(ms, core::kMsPerDay) * core::kMsPerDay);
  };
  int64_t start_in_month = inMonth(from_ms, start);
  int64_t end_in_month = inMonth(to_ms, end);
  if (months > 0 && end_in_month < start_in_month)
    --months;
  return Value(core::Duration{backwards ? -months : months, 0, 0});
}

Value numeric(const Args& a, double (*f)(double)) {
  return a[0].isNumber() ? Value(f(a[0].asNumber())) : Value();
}

Value listPart(const Args& a, int which) {
  if (!a[0].isList())
    return Value();
  const core::List& l = a[0].asList();
  if (which == 2)
    return l.empty() ? Value(core::List{}) : Value(core::List(l.begin() + 1, l.end()));
  if (l.empty())
    return Value();
  return which == 0 ? l.front() : l.back();
}

}  // namespace

const std::vector<ScalarFunction>& builtinScalarFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"toString", 1, 1, "convert to a string",
       [](const Args& a, const EvalContext&) { return toStringValue(a[0]); }},
      {"toStringOrNull", 1, 1, "convert to a string, or null",
       [](const Args& a, const EvalContext&) { return toStringValue(a[0]); }},
      {"toInteger", 1, 1, "convert to an integer (truncating floats)",
       [](const Args& a, const EvalContext&) { return toIntegerValue(a[0]); }},
      {"toIntegerOrNull", 1, 1, "convert to an integer, or null",
       [](const Args& a, const EvalContext&) { return toIntegerValue(a[0]); }},
      {"toFloat", 1, 1, "convert to a float",
       [](const Args& a, const EvalContext&) { return toFloatValue(a[0]); }},
      {"toFloatOrNull", 1, 1, "convert to a float, or null",
       [](const Args& a, const EvalContext&) { return toFloatValue(a[0]); }},
      {"toBoolean", 1, 1, "convert to a boolean",
       [](const Args& a, const EvalContext&) { return toBooleanValue(a[0]); }},
      {"toBooleanOrNull", 1, 1, "convert to a boolean, or null",
       [](const Args& a, const EvalContext&) { return toBooleanValue(a[0]); }},
      {"size", 1, 1, "length of a string, list or map", sizeOf},
      {"char_length", 1, 1, "number of characters in a string", charLength},
      {"character_length", 1, 1, "number of characters in a string", charLength},
      {"coalesce", 1, -1, "the first non-null argument",
       [](const Args& a, const EvalContext&) {
         for (const Value& v : a) {
           if (!v.isNull())
             return v;
         }
         return Value();
       }},
      {"nullIf", 2, 2, "null when both arguments are equal, else the first",
       [](const Args& a, const EvalContext&) { return a[0] == a[1] ? Value() : a[0]; }},
      {"isEmpty", 1, 1, "whether a string, list or map is empty",
       [](const Args& a, const EvalContext& c) {
         Value n = sizeOf(a, c);
         return n.isNull() ? n : Value(n.asInteger() == 0);
       }},
      {"head", 1, 1, "first element of a list",
       [](const Args& a, const EvalContext&) { return listPart(a, 0); }},
      {"last", 1, 1, "last element of a list",
       [](const Args& a, const EvalContext&) { return listPart(a, 1); }},
      {"tail", 1, 1, "the list without its first element",
       [](const Args& a, const EvalContext&) { return listPart(a, 2); }},
      {"range", 2, 3, "range(from, to[, step]), inclusive", rangeOf},
      {"abs", 1, 1, "absolute value",
       [](const Args& a, const EvalContext&) {
         if (a[0].isInteger())
           return a[0].asInteger() < 0 ? Value(-a[0].asInteger()) : a[0];
         if (a[0].isDecimal())
           return a[0].asDecimal().unscaled < 0 ? Value(core::negateDecimal(a[0].asDecimal()))
                                                : a[0];
         return numeric(a, std::fabs);
       }},
      {"ceil", 1, 1, "round up",
       [](const Args& a, const EvalContext&) { return numeric(a, std::ceil); }},
      {"floor", 1, 1, "round down",
       [](const Args& a, const EvalContext&) { return numeric(a, std::floor); }},
      {"round", 1, 2, "round to the nearest (or to n decimals)", roundValue},
      {"sign", 1, 1, "-1, 0 or 1",
       [](const Args& a, const EvalContext&) {
         if (!a[0].isNumber())
           return Value();
         double d = a[0].asNumber();
         return Value(int64_t{d > 0 ? 1 : (d < 0 ? -1 : 0)});
       }},
      {"sqrt", 1, 1, "square root",
       [](const Args& a, const EvalContext&) { return numeric(a, std::sqrt); }},
      {"elementId", 1, 1, "the element's id, such as `orders:42`", nullptr,
       [](const ElementVersion& e) { return Value(e.element.id); }},
      {"drasi.changeDateTime", 1, 1, "commit time of the element's last change", nullptr,
       [](const ElementVersion& e) { return Value(core::DateTime{e.changed_at_ms}); }},
      {"duration", 1, 1, "a duration from a map ({hours: 2}) or ISO 8601 text (PT2H)",
       [](const Args& a, const EvalContext&) { return parseDurationValue(a[0]); }},
      {"duration.between", 2, 2, "the duration from the first instant to the second",
       durationBetween},
      {"duration.inSeconds", 2, 2, "duration.between in whole seconds",
       [](const Args& a, const EvalContext&) { return durationIn(a, 1000); }},
      {"duration.inMonths", 2, 2, "duration.between in whole calendar months", durationInMonths},
      {"duration.inDays", 2, 2, "duration.between in whole days",
       [](const Args& a, const EvalContext&) { return durationIn(a, 86'400'000); }},
      {"timestamp", 0, 0, "the engine clock's now, in ms since the epoch",
       [](const Args&, const EvalContext& c) { return Value(c.now_ms); }, nullptr, false},
  };
  return kFunctions;
}

}  // namespace livedash::engine
