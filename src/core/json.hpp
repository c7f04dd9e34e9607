// src/core/json.hpp
//
// JSON for Values. Encoding is hand-rolled on purpose: it is on the hot path (each diff is encoded
// once per wire format) and needs no intermediate document. Parsing goes through Boost.JSON.
#pragma once

#include <string>
#include <string_view>

#include "core/value.hpp"

namespace livedash::core {

void appendJsonString(std::string& out, std::string_view s);
void appendJson(std::string& out, const Value& v);
std::string toJson(const Value& v);

//! `[…]` of the JSON text `encode(item)` gives for each of `items`.
template <class Range, class Encode>
std::string jsonArray(const Range& items, Encode&& encode) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) {
      out += ',';
    }
    out += encode(item);
  }
  return out + "]";
}

//! RFC 3339 text of an instant, with milliseconds and a `Z` suffix.
std::string formatDateTime(DateTime t);
//! Time of day with milliseconds and a `Z` suffix, such as `10:30:00.000Z`.
std::string formatTime(TimeOfDay t);
//! ISO 8601 text of a duration, such as `P1DT2H30M` or `PT0.5S`.
std::string formatDuration(Duration d);

//! Parses JSON text into a Value. Objects become maps, numbers without a fraction or exponent
//! become integers. Throws Error(ErrorCode::InvalidJson) with the byte offset on bad input.
Value parseJson(std::string_view text);

}  // namespace livedash::core
