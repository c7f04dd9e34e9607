// src/engine/functions/temporal_fields.hpp
//
// Property access on temporal values (`e.at.year`, `t.hour`, `d.minutes`), as Cypher's
// accessors. Instants and times are read in UTC.
#pragma once

#include <string_view>

#include "core/value.hpp"

namespace livedash::engine {

//! The field `key` of an instant, time of day or duration; NULL for any other value or an
//! unknown field.
core::Value temporalField(const core::Value& target, std::string_view key);

}  // namespace livedash::engine
