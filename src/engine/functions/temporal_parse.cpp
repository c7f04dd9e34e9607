// src/engine/functions/temporal_parse.cpp
#include "engine/functions/temporal_parse.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "core/calendar.hpp"

namespace livedash::engine {

using core::Value;

namespace {

using core::daysFromCivil;

bool readInt(std::string_view s, size_t& pos, size_t digits, int64_t& out) {
  if (pos + digits > s.size())
    return false;
  auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
  if (ec != std::errc() || ptr != s.data() + pos + digits)
    return false;
  pos += digits;
  return true;
}

int64_t unitMillis(std::string_view key, bool& months, bool& days) {
  months = days = false;
  if (key == "years") {
    months = true;
    return 12;
  }
  if (key == "months") {
    months = true;
    return 1;
  }
  if (key == "weeks") {
    days = true;
    return 7;
  }
  if (key == "days") {
    days = true;
    return 1;
  }
  if (key == "hours")
    return 3'600'000;
  if (key == "minutes")
    return 60'000;
  if (key == "seconds")
    return 1000;
  if (key == "milliseconds")
    return 1;
  return 0;
}

Value durationFromMap(const core::Map& map) {
  core::Duration d;
  for (const auto& [key, v] : map) {
    if (!v.isNumber())
      return Value();
    bool months = false;
    bool days = false;
    int64_t unit = unitMillis(key, months, days);
    if (unit == 0)
      return Value();
    double amount = v.asNumber() * static_cast<double>(unit);
    if (months) {
      d.months += static_cast<int64_t>(amount);
    } else if (days) {
      d.days += static_cast<int64_t>(amount);
    } else {
      d.millis += static_cast<int64_t>(std::llround(amount));
    }
  }
  return Value(d);
}

Value durationFromIso(std::string_view s) {
  if (s.size() < 2 || s[0] != 'P')
    return Value();
  core::Duration d;
  bool in_time = false;
  size_t pos = 1;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      in_time = true;
      ++pos;
      continue;
    }
    size_t start = pos;
    while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.')) {
      ++pos;
    }
    if (pos == start || pos >= s.size())
      return Value();
    double amount = 0;
    auto [end, ec] = std::from_chars(s.data() + start, s.data() + pos, amount);
    if (ec != std::errc() || end != s.data() + pos || !std::isfinite(amount))
      return Value();
    char unit = s[pos++];
    if (!in_time && unit == 'Y')
      d.months += static_cast<int64_t>(amount * 12);
    else if (!in_time && unit == 'M')
      d.months += static_cast<int64_t>(amount);
    else if (!in_time && unit == 'W')
      d.days += static_cast<int64_t>(amount * 7);
    else if (!in_time && unit == 'D')
      d.days += static_cast<int64_t>(amount);
    else if (in_time && unit == 'H')
      d.millis += std::llround(amount * 3'600'000);
    else if (in_time && unit == 'M')
      d.millis += std::llround(amount * 60'000);
    else if (in_time && unit == 'S')
      d.millis += std::llround(amount * 1000);
    else
      return Value();
  }
  return Value(d);
}

}  // namespace

Value parseDurationValue(const Value& v) {
  if (v.kind() == core::ValueKind::Duration)
    return v;
  if (v.isMap())
    return durationFromMap(v.asMap());
  if (v.isString())
    return durationFromIso(v.asString());
  return Value();
}

namespace {

// `HH:MM[:SS[.fff]]` from `pos`, as milliseconds since midnight.
std::optional<int64_t> readClock(std::string_view s, size_t& pos) {
  int64_t h = 0, mi = 0, sec = 0, ms = 0;
  if (!readInt(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !readInt(s, pos, 2, mi))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!readInt(s, pos, 2, sec))
      return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int64_t scale = 100;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        ms += (s[pos++] - '0') * scale;
        scale /= 10;
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59)
    return std::nullopt;
  return ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

// An optional `Z` or `±HH[:MM]` from `pos`, in minutes east of UTC.
std::optional<int64_t> readOffset(std::string_view s, size_t& pos) {
  if (pos >= s.size())
    return 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
    return 0;
  }
  if (s[pos] != '+' && s[pos] != '-')
    return 0;
  int sign = s[pos++] == '+' ? 1 : -1;
  int64_t oh = 0, om = 0;
  if (!readInt(s, pos, 2, oh))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':')
    ++pos;
  if (pos < s.size() && !readInt(s, pos, 2, om))
    return std::nullopt;
  return sign * (oh * 60 + om);
}

}  // namespace

std::optional<int64_t> parseIsoDateTimeMs(std::string_view s) {
  size_t pos = 0;
  int64_t y = 0, mo = 0, d = 0;
  if (!readInt(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !readInt(s, pos, 2, mo) ||
      pos >= s.size() || s[pos++] != '-' || !readInt(s, pos, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
    return std::nullopt;
  std::optional<int64_t> clock = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    clock = readClock(s, pos);
  }
  std::optional<int64_t> offset_min = clock ? readOffset(s, pos) : std::nullopt;
  if (!offset_min || pos != s.size())
    return std::nullopt;
  int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * core::kMsPerDay + *clock - *offset_min * 60'000;
}

std::optional<int64_t> parseIsoTimeMs(std::string_view s) {
  size_t pos = 0;
  std::optional<int64_t> clock = readClock(s, pos);
  std::optional<int64_t> offset_min = clock ? readOffset(s, pos) : std::nullopt;
  if (!offset_min || pos != s.size())
    return std::nullopt;
  int64_t ms = *clock - *offset_min * 60'000;
  return ms - core::floorDiv(ms, core::kMsPerDay) * core::kMsPerDay;
}

Value parseDateTimeValue(const Value& v) {
  if (v.kind() == core::ValueKind::DateTime)
    return v;
  if (v.isInteger())
    return Value(core::DateTime{v.asInteger()});
  if (v.isString()) {
    if (auto ms = parseIsoDateTimeMs(v.asString()))
      return Value(core::DateTime{*ms});
  }
  return Value();
}

Value parseTimeValue(const Value& v) {
  if (v.kind() == core::ValueKind::Time)
    return v;
  if (v.isString()) {
    if (auto ms = parseIsoTimeMs(v.asString()))
      return Value(core::TimeOfDay{*ms});
  }
  Value instant = parseDateTimeValue(v);
  if (instant.kind() != core::ValueKind::DateTime)
    return Value();
  int64_t ms = instant.asDateTime().epoch_ms;
  return Value(core::TimeOfDay{ms - core::floorDiv(ms, core::kMsPerDay) * core::kMsPerDay});
}

}  // namespace livedash::engine
