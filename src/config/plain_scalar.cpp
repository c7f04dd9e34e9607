// src/config/plain_scalar.cpp
#include "config/plain_scalar.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace livedash::config {
namespace {

bool isOneOf(std::string_view text, std::initializer_list<std::string_view> spellings) {
  for (std::string_view s : spellings) {
    if (text == s) {
      return true;
    }
  }
  return false;
}

std::optional<double> parseFloat(std::string_view text) {
  if (isOneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return INFINITY;
  }
  if (isOneOf(text, {"-.inf", "-.Inf", "-.INF"})) {
    return -INFINITY;
  }
  if (isOneOf(text, {".nan", ".NaN", ".NAN"})) {
    return NAN;
  }
  // from_chars rejects a leading `+`, which YAML allows.
  std::string_view digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  // from_chars also takes `inf` and `nan`, which YAML reads as strings.
  if (digits.find_first_of("0123456789") == std::string_view::npos) {
    return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<bool> parseBool(std::string_view text) {
  if (isOneOf(text, {"true", "True", "TRUE"})) {
    return true;
  }
  if (isOneOf(text, {"false", "False", "FALSE"})) {
    return false;
  }
  return std::nullopt;
}

std::optional<int64_t> parseInteger(std::string_view text) {
  std::string_view digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  int base = 10;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.starts_with("0o")) {
    base = 8;
    digits.remove_prefix(2);
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

core::Value plainScalarValue(std::string_view text) {
  if (isOneOf(text, {"", "~", "null", "Null", "NULL"})) {
    return core::Value();
  }
  if (std::optional<bool> b = parseBool(text)) {
    return *b;
  }
  if (std::optional<int64_t> i = parseInteger(text)) {
    return *i;
  }
  if (std::optional<double> d = parseFloat(text)) {
    return *d;
  }
  return text;
}

}  // namespace livedash::config
