// src/config/plain_scalar.hpp
//
// What an unquoted YAML scalar means, by the YAML 1.2 core schema: `~`/`null`/empty is null,
// `true`/`false` are booleans, then integers, then floats; anything else is a string. Quoted
// scalars are always strings, so callers decide by style before asking.
#pragma once

#include <optional>
#include <string_view>

#include "core/value.hpp"

namespace livedash::config {

core::Value plainScalarValue(std::string_view text);

std::optional<bool> parseBool(std::string_view text);
std::optional<int64_t> parseInteger(std::string_view text);

}  // namespace livedash::config
