// src/sources/postgres/pg_value.cpp
//
// PostgreSQL's text output, by type OID. The parsers accept what the server prints with
// DateStyle=ISO and IntervalStyle=iso_8601 (or postgres), and are strict about the rest: a value
// that does not parse means the OID or the session settings are not what we think, and saying so
// beats passing on a wrong value.
#include "sources/postgres/pg_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "core/calendar.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace livedash::sources::postgres {
namespace {

using core::Value;

//! The built-in types with a mapping of their own, and their array types (pg_type.dat's
//! typarray). int2vector and oidvector also have a typelem, but they print space-separated, not
//! as array literals, so they are not here.
struct BuiltinType {
  Oid oid;
  Oid array_oid;
  const char* name;
};
constexpr BuiltinType kBuiltinTypes[] = {
    {type_oid::kBool, 1000, "bool"},
    {type_oid::kBytea, 1001, "bytea"},
    {type_oid::kChar, 1002, "char"},
    {type_oid::kName, 1003, "name"},
    {type_oid::kInt8, 1016, "int8"},
    {type_oid::kInt2, 1005, "int2"},
    {type_oid::kInt4, 1007, "int4"},
    {type_oid::kText, 1009, "text"},
    {type_oid::kOid, 1028, "oid"},
    {type_oid::kJson, 199, "json"},
    {type_oid::kFloat4, 1021, "float4"},
    {type_oid::kFloat8, 1022, "float8"},
    {type_oid::kBpchar, 1014, "bpchar"},
    {type_oid::kVarchar, 1015, "varchar"},
    {type_oid::kDate, 1182, "date"},
    {type_oid::kTime, 1183, "time"},
    {type_oid::kTimestamp, 1115, "timestamp"},
    {type_oid::kTimestamptz, 1185, "timestamptz"},
    {type_oid::kInterval, 1187, "interval"},
    {type_oid::kNumeric, 1231, "numeric"},
    {type_oid::kUuid, 2951, "uuid"},
    {type_oid::kJsonb, 3807, "jsonb"},
};

std::string typeName(Oid type) {
  for (const BuiltinType& builtin : kBuiltinTypes) {
    if (builtin.oid == type) {
      return builtin.name;
    }
    if (builtin.array_oid == type) {
      return std::string(builtin.name) + "[]";
    }
  }
  return "value";
}

[[noreturn]] void malformed(Oid type, std::string_view text) {
  // Values can be megabytes (json, arrays); the start is enough to recognise one.
  constexpr size_t kShown = 80;
  std::string shown(text.substr(0, kShown));
  if (text.size() > kShown) {
    // Drop a UTF-8 sequence the cut may have split, so the message stays valid UTF-8.
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) {
      shown.pop_back();
    }
    if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) {
      shown.pop_back();
    }
    shown += "…";
  }
  throw core::Error(core::ErrorCode::BadRequest,
                    fmt::format("malformed PostgreSQL {} value (type OID {}): \"{}\"",
                                typeName(type), type, shown));
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

template <typename T>
bool parseWhole(std::string_view s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return !s.empty() && ec == std::errc() && ptr == end;
}

// ---- numbers ---------------------------------------------------------------------------------

Value integerValue(Oid type, std::string_view text) {
  int64_t value = 0;
  if (!parseWhole(text, value)) {
    malformed(type, text);
  }
  return Value(value);
}

//! float4/float8 print NaN and ±Infinity by those names; from_chars spells them differently.
bool parseFloat(std::string_view text, double& out) {
  if (text == "NaN") {
    out = std::numeric_limits<double>::quiet_NaN();
  } else if (text == "Infinity") {
    out = std::numeric_limits<double>::infinity();
  } else if (text == "-Infinity") {
    out = -std::numeric_limits<double>::infinity();
  } else {
    // from_chars also takes "inf" and "nan", which the server would not print but accepts.
    return parseWhole(text, out);
  }
  return true;
}

Value floatValue(Oid type, std::string_view text) {
  double value = 0;
  if (!parseFloat(text, value)) {
    malformed(type, text);
  }
  return Value(value);
}

//! numeric digits beyond a double's range: the server prints up to 131072 integer digits and
//! 16383 fraction digits, never an exponent. Too big saturates to ±Infinity, too small to ±0.
double saturatedNumeric(std::string_view text) {
  const bool negative = text.front() == '-';
  const std::string_view integer_part = text.substr(0, text.find('.'));
  const bool large = integer_part.find_first_of("123456789") != std::string_view::npos;
  const double magnitude = large ? std::numeric_limits<double>::infinity() : 0.0;
  return negative ? -magnitude : magnitude;
}

// ---- dates and times -------------------------------------------------------------------------

//! A cursor over the text of one date, time or interval.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(pos_); }
  bool eat(char c) {
    if (peek() != c) {
      return false;
    }
    ++pos_;
    return true;
  }
  bool eat(std::string_view word) {
    if (rest().substr(0, word.size()) != word) {
      return false;
    }
    pos_ += word.size();
    return true;
  }
  //! Exactly `n` decimal digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (!isDigit(peek())) {
        return false;
      }
      out = out * 10 + (peek() - '0');
      ++pos_;
    }
    return true;
  }
  //! Between `min` and `max` decimal digits (so at most 18: no overflow).
  bool digitRun(int min, int max, int64_t& out) {
    out = 0;
    int count = 0;
    while (isDigit(peek()) && count < max) {
      out = out * 10 + (peek() - '0');
      ++pos_;
      ++count;
    }
    return count >= min && !isDigit(peek());
  }
  //! The digits after a decimal point, as milliseconds (truncated: the server keeps µs).
  bool fractionMillis(int64_t& ms) {
    ms = 0;
    int count = 0;
    for (; isDigit(peek()); ++pos_, ++count) {
      if (count < 3) {
        ms = ms * 10 + (peek() - '0');
      }
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

//! "YYYY-MM-DD" as printed; the era (" BC") comes at the very end of the text.
struct DateParts {
  int64_t year = 0;
  int month = 0;
  int day = 0;
};

bool parseDateParts(Cursor& in, DateParts& out) {
  // The server pads years to four digits and goes up to 5874897 (date) or 294276 (timestamp).
  return in.digitRun(4, 7, out.year) && in.eat('-') && in.digits(2, out.month) && in.eat('-') &&
         in.digits(2, out.day) && out.year != 0 && out.month >= 1 && out.month <= 12;
}

//! "HH:MM:SS[.ffffff]".
bool parseClock(Cursor& in, int64_t& ms_of_day) {
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  int64_t fraction = 0;
  if (!in.digits(2, hours) || !in.eat(':') || !in.digits(2, minutes) || !in.eat(':') ||
      !in.digits(2, seconds) || hours > 23 || minutes > 59 || seconds > 59) {
    return false;
  }
  if (in.eat('.') && !in.fractionMillis(fraction)) {
    return false;
  }
  ms_of_day = ((hours * 60 + minutes) * 60 + seconds) * int64_t{1000} + fraction;
  return true;
}

//! "+05:30", "-08", "+05:53:28" (local mean time offsets have seconds): seconds east of UTC.
bool parseOffset(Cursor& in, int64_t& seconds_east) {
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
  int seconds = 0;
  if (!in.digits(2, hours) || hours > 23) {
    return false;
  }
  if (in.eat(':') && (!in.digits(2, minutes) || minutes > 59)) {
    return false;
  }
  if (in.eat(':') && (!in.digits(2, seconds) || seconds > 59)) {
    return false;
  }
  seconds_east = sign * ((hours * 60 + minutes) * int64_t{60} + seconds);
  return true;
}

//! date, timestamp and timestamptz in DateStyle ISO: "2024-05-01 12:00:00.5+05:30",
//! "0044-03-15 12:00:00+00 BC". Infinities stay text: no instant stands for them.
Value dateTimeValue(Oid type, std::string_view text) {
  if (text == "infinity" || text == "-infinity") {
    return Value(text);
  }
  Cursor in(text);
  DateParts date;
  int64_t ms_of_day = 0;
  int64_t offset_seconds = 0;
  bool ok = parseDateParts(in, date);
  if (ok && type != type_oid::kDate) {
    ok = (in.eat(' ') || in.eat('T')) && parseClock(in, ms_of_day);
    // timestamptz always carries its offset; a bare one is read as UTC, as for timestamp.
    if (ok && type == type_oid::kTimestamptz && (in.peek() == '+' || in.peek() == '-')) {
      ok = parseOffset(in, offset_seconds);
    }
  }
  if (ok && in.eat(" BC")) {
    date.year = 1 - date.year;  // 1 BC is year 0 of the proleptic Gregorian calendar
  }
  if (!ok || !in.done() ||
      static_cast<unsigned>(date.day) > core::daysInMonth(date.year, date.month) || date.day < 1) {
    malformed(type, text);
  }
  const int64_t days = core::daysFromCivil(date.year, static_cast<unsigned>(date.month),
                                           static_cast<unsigned>(date.day));
  return Value(core::DateTime{days * core::kMsPerDay + ms_of_day - offset_seconds * 1000});
}

// ---- intervals -------------------------------------------------------------------------------

struct IntervalUnit {
  char letter;
  int64_t months;
  int64_t days;
  int64_t millis;
};
// In the order they must appear: the date units, then after 'T' the time units.
constexpr IntervalUnit kIsoDateUnits[] = {
    {'Y', 12, 0, 0}, {'M', 1, 0, 0}, {'W', 0, 7, 0}, {'D', 0, 1, 0}};
constexpr IntervalUnit kIsoTimeUnits[] = {
    {'H', 0, 0, 3'600'000}, {'M', 0, 0, 60'000}, {'S', 0, 0, 1000}};

//! Sums interval parts without overflow: the server's limits (int32 months and days, int64 µs)
//! fit, hostile text does not.
class DurationBuilder {
 public:
  bool add(const IntervalUnit& unit, int64_t n) {
    return mulAdd(d_.months, n, unit.months) && mulAdd(d_.days, n, unit.days) &&
           mulAdd(d_.millis, n, unit.millis);
  }
  bool addMillis(int64_t n) { return mulAdd(d_.millis, n, 1); }
  core::Duration result() const { return d_; }

 private:
  static bool mulAdd(int64_t& total, int64_t n, int64_t scale) {
    int64_t product = 0;
    return !__builtin_mul_overflow(n, scale, &product) &&
           !__builtin_add_overflow(total, product, &total);
  }
  core::Duration d_;
};

//! "[-]N[.fff]" as a count and, when a fraction is allowed, its milliseconds-per-unit part.
bool signedNumber(Cursor& in, int64_t& whole, int64_t* fraction_ms) {
  const bool negative = in.eat('-');
  if (!negative) {
    in.eat('+');
  }
  if (!in.digitRun(1, 18, whole)) {
    return false;
  }
  int64_t fraction = 0;
  if (fraction_ms != nullptr && in.eat('.') && !in.fractionMillis(fraction)) {
    return false;
  }
  if (negative) {
    whole = -whole;
    fraction = -fraction;
  }
  if (fraction_ms != nullptr) {
    *fraction_ms = fraction;
  }
  return true;
}

//! iso_8601 style: "P1Y2M3DT4H5M6.5S", "P-1Y-2M3DT-4H-5M-6.5S", "PT0S". Each part signed; only
//! seconds have a fraction in what the server prints.
bool parseIsoInterval(std::string_view text, core::Duration& out) {
  Cursor in(text);
  if (!in.eat('P') || in.done()) {
    return false;
  }
  DurationBuilder sum;
  std::span<const IntervalUnit> units = kIsoDateUnits;
  bool in_time = false;
  while (!in.done()) {
    if (!in_time && in.eat('T')) {
      in_time = true;
      units = kIsoTimeUnits;
      if (in.done()) {
        return false;
      }
      continue;
    }
    int64_t n = 0;
    int64_t fraction_ms = 0;
    if (!signedNumber(in, n, in_time ? &fraction_ms : nullptr)) {
      return false;
    }
    while (!units.empty() && units.front().letter != in.peek()) {
      units = units.subspan(1);
    }
    if (units.empty() || (fraction_ms != 0 && units.front().letter != 'S') ||
        !sum.add(units.front(), n) || !sum.addMillis(fraction_ms)) {
      return false;
    }
    in.eat(units.front().letter);
    units = units.subspan(1);
  }
  out = sum.result();
  return true;
}

constexpr std::pair<std::string_view, IntervalUnit> kPostgresUnits[] = {
    {"year", kIsoDateUnits[0]}, {"years", kIsoDateUnits[0]}, {"mon", kIsoDateUnits[1]},
    {"mons", kIsoDateUnits[1]}, {"day", kIsoDateUnits[3]},   {"days", kIsoDateUnits[3]}};

//! postgres style: "1 year 2 mons 3 days 04:05:06.5", "-1 years -2 mons +3 days -04:05:06.5",
//! "00:00:00". The clock part has any number of hours ("100:00:00").
bool parsePostgresInterval(std::string_view text, core::Duration& out) {
  Cursor in(text);
  DurationBuilder sum;
  bool any = false;
  bool seen_clock = false;
  while (!in.done()) {
    if (any && !in.eat(' ')) {
      return false;
    }
    any = true;
    const std::string_view rest = in.rest();
    const std::string_view token = rest.substr(0, rest.find(' '));
    if (token.find(':') != std::string_view::npos) {
      // [-+]H+:MM:SS[.ffffff], the last part of the text.
      int64_t hours = 0;
      int minutes = 0;
      int seconds = 0;
      int64_t fraction = 0;
      const bool negative = in.eat('-');
      if (!negative) {
        in.eat('+');
      }
      if (seen_clock || !in.digitRun(1, 18, hours) || !in.eat(':') || !in.digits(2, minutes) ||
          !in.eat(':') || !in.digits(2, seconds) || minutes > 59 || seconds > 59 ||
          (in.eat('.') && !in.fractionMillis(fraction))) {
        return false;
      }
      const int64_t sign = negative ? -1 : 1;
      const int64_t below_an_hour = (minutes * 60 + seconds) * int64_t{1000} + fraction;
      if (!sum.add(kIsoTimeUnits[0], sign * hours) || !sum.addMillis(sign * below_an_hour)) {
        return false;
      }
      seen_clock = true;
      continue;
    }
    int64_t n = 0;
    if (seen_clock || !signedNumber(in, n, nullptr) || !in.eat(' ')) {
      return false;
    }
    const std::string_view word = in.rest().substr(0, in.rest().find(' '));
    const auto unit = std::find_if(std::begin(kPostgresUnits), std::end(kPostgresUnits),
                                   [&](const auto& u) { return u.first == word; });
    if (unit == std::end(kPostgresUnits) || !sum.add(unit->second, n)) {
      return false;
    }
    in.eat(word);
  }
  if (!any) {
    return false;
  }
  out = sum.result();
  return true;
}

Value intervalValue(std::string_view text) {
  core::Duration d;
  const bool ok = !text.empty() && text.front() == 'P' ? parseIsoInterval(text, d)
                                                       : parsePostgresInterval(text, d);
  if (!ok) {
    malformed(type_oid::kInterval, text);
  }
  return Value(d);
}

// ---- json ------------------------------------------------------------------------------------

Value jsonValue(Oid type, std::string_view text) {
  try {
    return core::parseJson(text);
  } catch (const core::Error&) {
    malformed(type, text);
  }
}

// ---- arrays ----------------------------------------------------------------------------------

//! Array literals: `{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`, with an optional
//! dimension decoration (`[0:1]={5,6}`) that the server adds when a lower bound is not 1.
class ArrayParser {
 public:
  ArrayParser(Oid array_type, Oid element_type, std::string_view text)
      : array_type_(array_type), element_type_(element_type), text_(text) {}

  Value parse() {
    if (peek() == '[') {
      skipDimensions();
    }
    Value result = parseLevel(1);
    skipSpaces();
    if (pos_ != text_.size()) {
      fail();
    }
    return result;
  }

 private:
  // The server allows six dimensions (MAXDIM); the limit also bounds the recursion.
  static constexpr int kMaxDepth = 6;

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  [[noreturn]] void fail() const { malformed(array_type_, text_); }
  void expect(char c) {
    if (peek() != c) {
      fail();
    }
    ++pos_;
  }
  void skipSpaces() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') {
      ++pos_;
    }
  }

  void skipDimensions() {
    const size_t equals = text_.find('=');
    if (equals == std::string_view::npos ||
        text_.substr(0, equals).find_first_not_of("[]:-+0123456789") != std::string_view::npos) {
      fail();
    }
    pos_ = equals + 1;
  }

  Value parseLevel(int depth) {
    if (depth > kMaxDepth) {
      fail();
    }
    expect('{');
    core::List items;
    skipSpaces();
    if (peek() == '}') {
      ++pos_;
      return Value(std::move(items));
    }
    // All items of one level are sub-arrays, or none is.
    bool nested = false;
    for (;;) {
      skipSpaces();
      const bool sub_array = peek() == '{';
      if (!items.empty() && sub_array != nested) {
        fail();
      }
      nested = sub_array;
      items.push_back(sub_array ? parseLevel(depth + 1) : parseElement());
      skipSpaces();
      if (peek() == '}') {
        ++pos_;
        return Value(std::move(items));
      }
      expect(',');
    }
  }

  Value parseElement() {
    std::string element;
    if (peek() == '"') {
      ++pos_;
      for (;;) {
        char c = peek();
        if (pos_ >= text_.size()) {
          fail();
        }
        ++pos_;
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          if (pos_ >= text_.size()) {
            fail();
          }
          c = text_[pos_++];
        }
        element.push_back(c);
      }
      // A quoted "NULL" is the four-letter string, never SQL NULL.
      return textToValue(element_type_, element);
    }
    // Unquoted: up to the next delimiter; backslashes escape, trailing blanks do not count.
    bool escaped = false;
    size_t kept = 0;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ',' || c == '}') {
        break;
      }
      if (c == '{' || c == '"') {
        fail();
      }
      ++pos_;
      if (c == '\\') {
        if (pos_ >= text_.size()) {
          fail();
        }
        c = text_[pos_++];
        escaped = true;
        element.push_back(c);
        kept = element.size();
        continue;
      }
      element.push_back(c);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        kept = element.size();
      }
    }
    element.resize(kept);
    if (element.empty()) {
      fail();
    }
    if (!escaped && element.size() == 4 && (element[0] | 0x20) == 'n' &&
        (element[1] | 0x20) == 'u' && (element[2] | 0x20) == 'l' && (element[3] | 0x20) == 'l') {
      return Value();
    }
    return textToValue(element_type_, element);
  }

  Oid array_type_;
  Oid element_type_;
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Oid arrayElementType(Oid oid) {
  for (const BuiltinType& builtin : kBuiltinTypes) {
    if (builtin.array_oid == oid) {
      return builtin.oid;
    }
  }
  return 0;
}

core::Value numericValue(std::string_view text) {
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
    double value = 0;
    parseFloat(text, value);
    return Value(value);
  }
  // [-]digits[.digits], at least one digit: the server's output, which has no exponent.
  const size_t sign = !text.empty() && text.front() == '-' ? 1 : 0;
  const std::string_view digits = text.substr(sign);
  const size_t point = digits.find('.');
  const std::string_view integer_part = digits.substr(0, point);
  const std::string_view fraction_part =
      point == std::string_view::npos ? std::string_view() : digits.substr(point + 1);
  const auto allDigits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!allDigits(integer_part) || !allDigits(fraction_part) ||
      integer_part.size() + fraction_part.size() == 0) {
    malformed(type_oid::kNumeric, text);
  }
  int64_t integer = 0;
  if (point == std::string_view::npos && parseWhole(text, integer)) {
    return Value(integer);
  }
  if (std::optional<core::Decimal> exact = core::parseDecimal(text)) {
    return Value(*exact);
  }
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec == std::errc::result_out_of_range) {
    return Value(saturatedNumeric(text));
  }
  if (ec != std::errc() || ptr != end) {
    malformed(type_oid::kNumeric, text);
  }
  return Value(value);
}

core::Value textToValue(Oid type, std::string_view text) {
  // Scalars first: this runs for every column of every replicated row.
  switch (type) {
    case type_oid::kInt2:
    case type_oid::kInt4:
    case type_oid::kInt8:
    case type_oid::kOid:
      return integerValue(type, text);
    case type_oid::kFloat4:
    case type_oid::kFloat8:
      return floatValue(type, text);
    case type_oid::kNumeric:
      return numericValue(text);
    case type_oid::kBool:
      if (text == "t" || text == "true") {
        return Value(true);
      }
      if (text == "f" || text == "false") {
        return Value(false);
      }
      malformed(type, text);
    case type_oid::kDate:
    case type_oid::kTimestamp:
    case type_oid::kTimestamptz:
      return dateTimeValue(type, text);
    case type_oid::kInterval:
      return intervalValue(text);
    case type_oid::kJson:
    case type_oid::kJsonb:
      return jsonValue(type, text);
    default:
      break;
  }
  if (const Oid element = arrayElementType(type); element != 0) {
    return ArrayParser(type, element, text).parse();
  }
  // text, varchar, bpchar (with its padding), name, char, uuid, time, bytea's \x… text, and
  // every type without a mapping of its own.
  return Value(text);
}

}  // namespace livedash::sources::postgres
