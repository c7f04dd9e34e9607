// src/engine/functions/calendar_functions.cpp
//
// Dates and the clock variants Drasi registers. livedash keeps every instant in UTC, so a date is
// the instant at 00:00 UTC of its day: dates compare, group, subtract and take durations exactly
// as instants do, and print as that instant. localdatetime is datetime.
#include "core/calendar.hpp"
#include "engine/eval/eval_context.hpp"
#include "engine/functions/function_registry.hpp"
#include "engine/functions/temporal_parse.hpp"

namespace livedash::engine {

using core::Value;
using Args = std::vector<Value>;

namespace {

int64_t startOfDay(int64_t ms) {
  return core::floorDiv(ms, core::kMsPerDay) * core::kMsPerDay;
}

// {year: 2026, month: 11, day: 22, hour: 10, minute: 30, second: 5, millisecond: 250}; the
// fields after `year` default to their first value. Out-of-range fields give NULL.
Value instantFromMap(const core::Map& map, bool date_only) {
  auto field = [&](const char* name, int64_t fallback, int64_t low, int64_t high) {
    auto it = map.find(name);
    if (it == map.end())
      return std::optional<int64_t>(fallback);
    if (!it->second.isInteger() || it->second.asInteger() < low || it->second.asInteger() > high)
      return std::optional<int64_t>();
    return std::optional<int64_t>(it->second.asInteger());
  };
  auto year = field("year", INT64_MIN, -9999, 9999);
  auto month = field("month", 1, 1, 12);
  auto day = field("day", 1, 1, 31);
  auto hour = field("hour", 0, 0, 23);
  auto minute = field("minute", 0, 0, 59);
  auto second = field("second", 0, 0, 59);
  auto milli = field("millisecond", 0, 0, 999);
  if (!year || *year == INT64_MIN || !month || !day || !hour || !minute || !second || !milli)
    return Value();
  auto m = static_cast<unsigned>(*month);
  if (static_cast<unsigned>(*day) > core::daysInMonth(*year, m))
    return Value();
  int64_t ms = core::daysFromCivil(*year, m, static_cast<unsigned>(*day)) * core::kMsPerDay;
  if (!date_only)
    ms += ((*hour * 60 + *minute) * 60 + *second) * 1000 + *milli;
  return Value(core::DateTime{ms});
}

Value instantOf(const Args& a, const EvalContext& c, bool date_only) {
  Value t;
  if (a.empty())
    t = Value(core::DateTime{c.now_ms});
  else if (a[0].isMap())
    t = instantFromMap(a[0].asMap(), date_only);
  else
    t = parseDateTimeValue(a[0]);
  if (t.kind() != core::ValueKind::DateTime || !date_only)
    return t;
  return Value(core::DateTime{startOfDay(t.asDateTime().epoch_ms)});
}

Value now(const Args&, const EvalContext& c) {
  return Value(core::DateTime{c.now_ms});
}

Value today(const Args&, const EvalContext& c) {
  return Value(core::DateTime{startOfDay(c.now_ms)});
}

}  // namespace

const std::vector<ScalarFunction>& calendarFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"datetime", 0, 1,
       "an instant from RFC 3339 text, epoch ms or {year, month, day, hour, …}; now without "
       "arguments",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, false); }, nullptr, false},
      {"date", 0, 1,
       "a date (00:00 UTC of its day) from text, an instant or {year, month, day}; today without "
       "arguments",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, true); }, nullptr, false},
      {"date.realtime", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"date.transaction", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"date.statement", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"localdatetime", 0, 1, "as datetime (livedash keeps every instant in UTC)",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, false); }, nullptr, false},
      {"datetime.transaction", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"datetime.statement", 0, 0, "the engine clock's current instant", now, nullptr, false},
  };
  return kFunctions;
}

}  // namespace livedash::engine
