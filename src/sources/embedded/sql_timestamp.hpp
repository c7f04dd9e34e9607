// src/sources/embedded/sql_timestamp.hpp
//
// Timestamps as SQLite stores them: text. We write `YYYY-MM-DD HH:MM:SS.fff` (UTC), which sorts
// correctly as text and is what SQLite's own date functions accept, and we read that, ISO 8601
// with `T`, an optional `Z` or ±HH:MM offset, and bare dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace livedash::sources::embedded {

//! `YYYY-MM-DD HH:MM:SS.fff`, UTC.
std::string formatSqlTimestamp(int64_t epoch_ms);

//! Milliseconds since the epoch, or nullopt when `text` is not a timestamp. Text without an offset
//! is UTC. Fractions past milliseconds are truncated.
std::optional<int64_t> parseSqlTimestamp(std::string_view text);

}  // namespace livedash::sources::embedded
