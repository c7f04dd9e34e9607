// src/engine/functions/calendar_functions.cpp
//
// Instants, dates and times of day, their clock variants and truncations, as Drasi registers
// them. livedash keeps every instant in UTC, so a date is the instant at 00:00 UTC of its day:
// dates compare, group, subtract and take durations exactly as instants do, and print as that
// instant. localdatetime is datetime, and localtime is time: a time of day in UTC.
#include <optional>
#include <string>
#include <utility>

#include <strings.h>

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

// A field of a {year: …, hour: …} map: `fallback` when absent, nullopt when not an integer in
// [low, high].
std::optional<int64_t> mapField(const core::Map& map, const char* name, int64_t fallback,
                                int64_t low, int64_t high) {
  auto it = map.find(name);
  if (it == map.end())
    return fallback;
  if (!it->second.isInteger() || it->second.asInteger() < low || it->second.asInteger() > high)
    return std::nullopt;
  return it->second.asInteger();
}

// {hour: 10, minute: 30, second: 5, millisecond: 250}, as milliseconds since midnight; the
// fields default to 0. Out-of-range fields give nullopt.
std::optional<int64_t> clockFromMap(const core::Map& map) {
  auto hour = mapField(map, "hour", 0, 0, 23);
  auto minute = mapField(map, "minute", 0, 0, 59);
  auto second = mapField(map, "second", 0, 0, 59);
  auto milli = mapField(map, "millisecond", 0, 0, 999);
  if (!hour || !minute || !second || !milli)
    return std::nullopt;
  return ((*hour * 60 + *minute) * 60 + *second) * 1000 + *milli;
}

// {year: 2026, month: 11, day: 22, hour: 10, minute: 30, second: 5, millisecond: 250}; the
// fields after `year` default to their first value. Out-of-range fields give NULL.
Value instantFromMap(const core::Map& map, bool date_only) {
  auto year = mapField(map, "year", INT64_MIN, -9999, 9999);
  auto month = mapField(map, "month", 1, 1, 12);
  auto day = mapField(map, "day", 1, 1, 31);
  auto clock = clockFromMap(map);
  if (!year || *year == INT64_MIN || !month || !day || !clock)
    return Value();
  auto m = static_cast<unsigned>(*month);
  if (static_cast<unsigned>(*day) > core::daysInMonth(*year, m))
    return Value();
  int64_t ms = core::daysFromCivil(*year, m, static_cast<unsigned>(*day)) * core::kMsPerDay;
  return Value(core::DateTime{date_only ? ms : ms + *clock});
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

int64_t timeOfDay(int64_t ms) {
  return ms - startOfDay(ms);
}

// time() and localtime(): now's time of day, or one from text, an instant or {hour, minute, …}.
Value timeOf(const Args& a, const EvalContext& c) {
  if (a.empty())
    return Value(core::TimeOfDay{timeOfDay(c.now_ms)});
  if (a[0].isMap()) {
    std::optional<int64_t> ms =
        a[0].asMap().contains("hour") ? clockFromMap(a[0].asMap()) : std::nullopt;
    return ms ? Value(core::TimeOfDay{*ms}) : Value();
  }
  return parseTimeValue(a[0]);
}

Value now(const Args&, const EvalContext& c) {
  return Value(core::DateTime{c.now_ms});
}

Value today(const Args&, const EvalContext& c) {
  return Value(core::DateTime{startOfDay(c.now_ms)});
}

Value timeNow(const Args&, const EvalContext& c) {
  return Value(core::TimeOfDay{timeOfDay(c.now_ms)});
}

// Truncation units in increasing size; a date keeps `Day` and above, a time `Day` and below.
enum class Unit {
  Millisecond,
  Second,
  Minute,
  Hour,
  Day,
  Week,
  Month,
  Quarter,
  Year,
  Decade,
  Century,
  Millennium
};

std::optional<Unit> unitNamed(const Value& v) {
  if (!v.isString())
    return std::nullopt;
  static const std::pair<const char*, Unit> kUnits[] = {{"millisecond", Unit::Millisecond},
                                                        {"second", Unit::Second},
                                                        {"minute", Unit::Minute},
                                                        {"hour", Unit::Hour},
                                                        {"day", Unit::Day},
                                                        {"week", Unit::Week},
                                                        {"month", Unit::Month},
                                                        {"quarter", Unit::Quarter},
                                                        {"year", Unit::Year},
                                                        {"decade", Unit::Decade},
                                                        {"century", Unit::Century},
                                                        {"millennium", Unit::Millennium}};
  for (const auto& [name, unit] : kUnits) {
    if (strcasecmp(v.asString().c_str(), name) == 0)
      return unit;
  }
  return std::nullopt;
}

// The instant `ms` truncated to the start of its `unit` (UTC); ISO weeks start on Monday.
int64_t truncateMs(int64_t ms, Unit unit) {
  auto floorTo = [ms](int64_t step) { return core::floorDiv(ms, step) * step; };
  switch (unit) {
    case Unit::Millisecond:
      return ms;
    case Unit::Second:
      return floorTo(1000);
    case Unit::Minute:
      return floorTo(60'000);
    case Unit::Hour:
      return floorTo(3'600'000);
    case Unit::Day:
      return floorTo(core::kMsPerDay);
    case Unit::Week: {
      int64_t days = core::floorDiv(ms, core::kMsPerDay);
      // 1970-01-01 was a Thursday.
      return (days - (((days + 3) % 7) + 7) % 7) * core::kMsPerDay;
    }
    default:
      break;
  }
  core::CivilDate c = core::civilFromDays(core::floorDiv(ms, core::kMsPerDay));
  unsigned month =
      unit == Unit::Month ? c.month : (unit == Unit::Quarter ? (c.month - 1) / 3 * 3 + 1 : 1);
  int64_t span = unit == Unit::Decade ? 10 : (unit == Unit::Century ? 100 : 1000);
  int64_t year = unit <= Unit::Year ? c.year : core::floorDiv(c.year, span) * span;
  return core::daysFromCivil(year, month, 1) * core::kMsPerDay;
}

// datetime.truncate and localdatetime.truncate (any unit), date.truncate (a day or longer).
Value truncateInstant(const Args& a, bool date_only) {
  std::optional<Unit> unit = unitNamed(a[0]);
  Value t = parseDateTimeValue(a[1]);
  if (!unit || t.kind() != core::ValueKind::DateTime || (date_only && *unit < Unit::Day))
    return Value();
  return Value(core::DateTime{truncateMs(t.asDateTime().epoch_ms, *unit)});
}

// time.truncate and localtime.truncate: a day or shorter (a day gives midnight).
Value truncateTime(const Args& a, const EvalContext&) {
  std::optional<Unit> unit = unitNamed(a[0]);
  Value t = parseTimeValue(a[1]);
  if (!unit || t.kind() != core::ValueKind::Time || *unit > Unit::Day)
    return Value();
  return Value(core::TimeOfDay{timeOfDay(truncateMs(t.asTime().ms, *unit))});
}

}  // namespace

const std::vector<ScalarFunction>& calendarFunctions() {
  constexpr const char* kTruncateUnits =
      "'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', "
      "'decade', 'century' or 'millennium' (UTC)";
  static const std::string kDateTimeTruncate =
      std::string("the instant truncated to ") + kTruncateUnits +
      "; a tumbling-window bucket when used as a grouping key";
  static const std::vector<ScalarFunction> kFunctions = {
      {"datetime", 0, 1,
       "an instant from RFC 3339 text, epoch ms or {year, month, day, hour, …}; now without "
       "arguments",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, false); }, nullptr, false},
      {"datetime.truncate", 2, 2, kDateTimeTruncate.c_str(),
       [](const Args& a, const EvalContext&) { return truncateInstant(a, false); }},
      {"datetime.realtime", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"datetime.transaction", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"datetime.statement", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"localdatetime", 0, 1, "as datetime (livedash keeps every instant in UTC)",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, false); }, nullptr, false},
      {"localdatetime.truncate", 2, 2, "as datetime.truncate",
       [](const Args& a, const EvalContext&) { return truncateInstant(a, false); }},
      {"localdatetime.realtime", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"localdatetime.transaction", 0, 0, "the engine clock's current instant", now, nullptr,
       false},
      {"localdatetime.statement", 0, 0, "the engine clock's current instant", now, nullptr, false},
      {"date", 0, 1,
       "a date (00:00 UTC of its day) from text, an instant or {year, month, day}; today without "
       "arguments",
       [](const Args& a, const EvalContext& c) { return instantOf(a, c, true); }, nullptr, false},
      {"date.truncate", 2, 2,
       "the date truncated to 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century' or "
       "'millennium'",
       [](const Args& a, const EvalContext&) { return truncateInstant(a, true); }},
      {"date.realtime", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"date.transaction", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"date.statement", 0, 0, "today, by the engine clock", today, nullptr, false},
      {"time", 0, 1,
       "a time of day (UTC) from text ('10:30:00+02:00'), an instant or {hour, minute, second, "
       "millisecond}; now's without arguments",
       timeOf, nullptr, false},
      {"time.truncate", 2, 2,
       "the time truncated to 'millisecond', 'second', 'minute', 'hour' or 'day' (midnight)",
       truncateTime},
      {"time.realtime", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
      {"time.transaction", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
      {"time.statement", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
      {"localtime", 0, 1, "as time (livedash keeps every time in UTC)", timeOf, nullptr, false},
      {"localtime.truncate", 2, 2, "as time.truncate", truncateTime},
      {"localtime.realtime", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
      {"localtime.transaction", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
      {"localtime.statement", 0, 0, "the engine clock's time of day", timeNow, nullptr, false},
  };
  return kFunctions;
}

}  // namespace livedash::engine
