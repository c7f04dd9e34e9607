// src/core/json.cpp
#include "core/json.hpp"

#include <cmath>
#include <ctime>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "core/error.hpp"

namespace livedash::core {

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

std::string formatDateTime(DateTime t) {
  int64_t secs = t.epoch_ms >= 0 ? t.epoch_ms / 1000 : (t.epoch_ms - 999) / 1000;
  int64_t ms = t.epoch_ms - secs * 1000;
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::string formatTime(TimeOfDay t) {
  int64_t ms = t.ms;
  return fmt::format("{:02}:{:02}:{:02}.{:03}Z", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                     ms % 1000);
}

std::string formatDuration(Duration d) {
  std::string out = "P";
  if (d.months / 12 != 0)
    out += fmt::format("{}Y", d.months / 12);
  if (d.months % 12 != 0)
    out += fmt::format("{}M", d.months % 12);
  if (d.days != 0)
    out += fmt::format("{}D", d.days);
  int64_t ms = d.millis;
  if (ms != 0 || out == "P") {
    out += 'T';
    int64_t h = ms / 3'600'000;
    ms -= h * 3'600'000;
    int64_t m = ms / 60'000;
    ms -= m * 60'000;
    if (h != 0)
      out += fmt::format("{}H", h);
    if (m != 0)
      out += fmt::format("{}M", m);
    if (ms != 0 || (h == 0 && m == 0)) {
      if (ms % 1000 == 0) {
        out += fmt::format("{}S", ms / 1000);
      } else {
        out += fmt::format("{}S", static_cast<double>(ms) / 1000.0);
      }
    }
  }
  return out;
}

void appendJson(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::Null:
      out.append("null");
      return;
    case ValueKind::Bool:
      out.append(v.asBool() ? "true" : "false");
      return;
    case ValueKind::Integer:
      fmt::format_to(std::back_inserter(out), "{}", v.asInteger());
      return;
    case ValueKind::Float: {
      double d = v.asFloat();
      if (!std::isfinite(d)) {
        out.append("null");
        return;
      }
      size_t start = out.size();
      fmt::format_to(std::back_inserter(out), "{}", d);
      // Keep floats recognisable as floats ("5.0", not "5"), as Drasi prints sum().
      if (out.find_first_of(".eE", start) == std::string::npos) {
        out.append(".0");
      }
      return;
    }
    case ValueKind::Decimal: {
      // The exact digits, less trailing zeros. A whole decimal keeps ".0" as a float does, so a
      // numeric(10,2) column prints 100.0 for 100.00, as it did when it was a double.
      const Decimal d = v.asDecimal();
      appendDecimal(out, d);
      if (d.scale == 0) {
        out.append(".0");
      }
      return;
    }
    case ValueKind::String:
      appendJsonString(out, v.asString());
      return;
    case ValueKind::DateTime:
      appendJsonString(out, formatDateTime(v.asDateTime()));
      return;
    case ValueKind::Duration:
      appendJsonString(out, formatDuration(v.asDuration()));
      return;
    case ValueKind::Time:
      appendJsonString(out, formatTime(v.asTime()));
      return;
    case ValueKind::List: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.asList()) {
        if (!first)
          out.push_back(',');
        first = false;
        appendJson(out, item);
      }
      out.push_back(']');
      return;
    }
    case ValueKind::Map: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.asMap()) {
        if (!first)
          out.push_back(',');
        first = false;
        appendJsonString(out, key);
        out.push_back(':');
        appendJson(out, item);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string toJson(const Value& v) {
  std::string out;
  appendJson(out, v);
  return out;
}

namespace {

Value fromBoost(const boost::json::value& j) {
  switch (j.kind()) {
    case boost::json::kind::null:
      return Value();
    case boost::json::kind::bool_:
      return Value(j.get_bool());
    case boost::json::kind::int64:
      return Value(j.get_int64());
    case boost::json::kind::uint64: {
      uint64_t u = j.get_uint64();
      return u <= static_cast<uint64_t>(INT64_MAX) ? Value(static_cast<int64_t>(u))
                                                   : Value(static_cast<double>(u));
    }
    case boost::json::kind::double_:
      return Value(j.get_double());
    case boost::json::kind::string:
      return Value(std::string_view(j.get_string()));
    case boost::json::kind::array: {
      List list;
      list.reserve(j.get_array().size());
      for (const auto& item : j.get_array())
        list.push_back(fromBoost(item));
      return Value(std::move(list));
    }
    case boost::json::kind::object: {
      Map map;
      for (const auto& [key, item] : j.get_object()) {
        map.insert_or_assign(std::string(key), fromBoost(item));
      }
      return Value(std::move(map));
    }
  }
  return Value();
}

}  // namespace

Value parseJson(std::string_view text) {
  boost::system::error_code ec;
  // Deep enough for real documents (jsonb columns nest past Boost's default of 32), shallow
  // enough that converting the tree recursively cannot exhaust the stack.
  boost::json::parse_options options;
  options.max_depth = 200;
  boost::json::value j = boost::json::parse(text, ec, {}, options);
  if (ec) {
    throw Error(ErrorCode::InvalidJson, fmt::format("invalid JSON: {}", ec.message()));
  }
  return fromBoost(j);
}

}  // namespace livedash::core
