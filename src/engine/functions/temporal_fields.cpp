// src/engine/functions/temporal_fields.cpp
#include "engine/functions/temporal_fields.hpp"

#include "core/calendar.hpp"

namespace livedash::engine {

using core::Value;

namespace {

// hour, minute, second and millisecond of a time of day in ms; NULL for other keys.
Value clockField(int64_t ms_of_day, std::string_view key) {
  if (key == "hour")
    return Value(ms_of_day / 3'600'000);
  if (key == "minute")
    return Value(ms_of_day / 60'000 % 60);
  if (key == "second")
    return Value(ms_of_day / 1000 % 60);
  if (key == "millisecond")
    return Value(ms_of_day % 1000);
  if (key == "timezone")
    return Value("Z");
  if (key == "offsetSeconds")
    return Value(int64_t{0});
  return Value();
}

Value instantField(int64_t ms, std::string_view key) {
  if (key == "epochMillis")
    return Value(ms);
  if (key == "epochSeconds")
    return Value(core::floorDiv(ms, 1000));
  int64_t days = core::floorDiv(ms, core::kMsPerDay);
  core::CivilDate date = core::civilFromDays(days);
  if (key == "year")
    return Value(date.year);
  if (key == "quarter")
    return Value(static_cast<int64_t>((date.month - 1) / 3 + 1));
  if (key == "month")
    return Value(static_cast<int64_t>(date.month));
  if (key == "day")
    return Value(static_cast<int64_t>(date.day));
  if (key == "dayOfWeek")  // ISO: Monday is 1; 1970-01-01 was a Thursday
    return Value(((days + 3) % 7 + 7) % 7 + 1);
  if (key == "dayOfYear")
    return Value(days - core::daysFromCivil(date.year, 1, 1) + 1);
  return clockField(ms - days * core::kMsPerDay, key);
}

// Neo4j's duration components: the total in a unit (`months`, `days`, `seconds`, …) and the part
// within the next larger one (`monthsOfYear`, `minutesOfHour`, …).
Value durationField(const core::Duration& d, std::string_view key) {
  const int64_t ms = d.millis;
  if (key == "years")
    return Value(d.months / 12);
  if (key == "quarters")
    return Value(d.months / 3);
  if (key == "months")
    return Value(d.months);
  if (key == "monthsOfYear")
    return Value(d.months % 12);
  if (key == "weeks")
    return Value(d.days / 7);
  if (key == "days")
    return Value(d.days);
  if (key == "hours")
    return Value(ms / 3'600'000);
  if (key == "minutes")
    return Value(ms / 60'000);
  if (key == "minutesOfHour")
    return Value(ms / 60'000 % 60);
  if (key == "seconds")
    return Value(ms / 1000);
  if (key == "secondsOfMinute")
    return Value(ms / 1000 % 60);
  if (key == "milliseconds")
    return Value(ms);
  if (key == "millisecondsOfSecond")
    return Value(ms % 1000);
  return Value();
}

}  // namespace

Value temporalField(const Value& target, std::string_view key) {
  switch (target.kind()) {
    case core::ValueKind::DateTime:
      return instantField(target.asDateTime().epoch_ms, key);
    case core::ValueKind::Time:
      return clockField(target.asTime().ms, key);
    case core::ValueKind::Duration:
      return durationField(target.asDuration(), key);
    default:
      return Value();
  }
}

}  // namespace livedash::engine
