// src/sources/embedded/sql_timestamp.cpp
#include "sources/embedded/sql_timestamp.hpp"

#include <fmt/format.h>

#include "core/calendar.hpp"

namespace livedash::sources::embedded {
namespace {

using core::civilFromDays;
using core::daysFromCivil;
using core::daysInMonth;
using core::kMsPerDay;
using Civil = core::CivilDate;

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool eat(char c) {
    if (peek() != c) {
      return false;
    }
    ++pos_;
    return true;
  }
  //! Exactly `n` decimal digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      const char c = peek();
      if (c < '0' || c > '9') {
        return false;
      }
      out = out * 10 + (c - '0');
      ++pos_;
    }
    return true;
  }
  //! One or more digits read as a fraction of a second, in milliseconds (truncated).
  bool fractionMs(int& ms) {
    ms = 0;
    int count = 0;
    while (peek() >= '0' && peek() <= '9') {
      if (count < 3) {
        ms = ms * 10 + (peek() - '0');
      }
      ++count;
      ++pos_;
    }
    for (int i = count; i < 3; ++i) {
      ms *= 10;
    }
    return count > 0;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Parses `Z`, `±HH`, `±HHMM` or `±HH:MM` (or nothing) into an offset east of UTC, in minutes.
bool parseOffset(Cursor& in, int& offset_minutes) {
  offset_minutes = 0;
  in.eat(' ');
  if (in.eat('Z') || in.eat('z') || in.done()) {
    return true;
  }
  int sign = 0;
  if (in.eat('+')) {
    sign = 1;
  } else if (in.eat('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!in.digits(2, hours)) {
    return false;
  }
  if (!in.done()) {
    in.eat(':');
    if (!in.digits(2, minutes)) {
      return false;
    }
  }
  if (hours > 23 || minutes > 59) {
    return false;
  }
  offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

}  // namespace

std::string formatSqlTimestamp(int64_t epoch_ms) {
  int64_t days = epoch_ms / kMsPerDay;
  int64_t ms_of_day = epoch_ms % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  const Civil c = civilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", c.year, c.month, c.day,
                     ms_of_day / 3'600'000, ms_of_day / 60'000 % 60, ms_of_day / 1000 % 60,
                     ms_of_day % 1000);
}

std::optional<int64_t> parseSqlTimestamp(std::string_view text) {
  Cursor in(text);
  int year = 0;
  int month = 0;
  int day = 0;
  if (!in.digits(4, year) || !in.eat('-') || !in.digits(2, month) || !in.eat('-') ||
      !in.digits(2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > daysInMonth(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  int ms = 0;
  int offset_minutes = 0;
  if (!in.done()) {
    if (!in.eat(' ') && !in.eat('T') && !in.eat('t')) {
      return std::nullopt;
    }
    if (!in.digits(2, hour) || !in.eat(':') || !in.digits(2, minute)) {
      return std::nullopt;
    }
    if (in.eat(':') && !in.digits(2, second)) {
      return std::nullopt;
    }
    if (in.eat('.') && !in.fractionMs(ms)) {
      return std::nullopt;
    }
    if (!parseOffset(in, offset_minutes) || !in.done()) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return std::nullopt;
    }
  }
  const int64_t days =
      daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t local_ms =
      days * kMsPerDay + ((hour * 60 + minute) * 60 + second) * int64_t{1000} + ms;
  return local_ms - offset_minutes * int64_t{60'000};
}

}  // namespace livedash::sources::embedded
