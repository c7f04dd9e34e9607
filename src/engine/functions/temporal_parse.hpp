// src/engine/functions/temporal_parse.hpp
#pragma once

#include <optional>
#include <string_view>

#include "core/value.hpp"

namespace livedash::engine {

//! `{days: 1, hours: 2}` or ISO 8601 `P1DT2H`; NULL when malformed.
core::Value parseDurationValue(const core::Value& v);
//! RFC 3339 / ISO 8601 text (`2026-11-22T10:00:00Z`, `2026-11-22 10:00:00`, a bare date),
//! epoch ms, or an instant; NULL when malformed. Text without an offset is taken as UTC.
core::Value parseDateTimeValue(const core::Value& v);
std::optional<int64_t> parseIsoDateTimeMs(std::string_view text);
//! `HH:MM[:SS[.fff]][Z|±HH:MM]` as milliseconds since midnight UTC; nullopt when malformed.
std::optional<int64_t> parseIsoTimeMs(std::string_view text);
//! A time of day (UTC) from such text, from a time, or from an instant (its time of day);
//! NULL when malformed.
core::Value parseTimeValue(const core::Value& v);

}  // namespace livedash::engine
