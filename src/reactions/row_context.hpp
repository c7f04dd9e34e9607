// src/reactions/row_context.hpp
//
// What a template sees for one changed row: `after`, `before`, `query_name` and `operation`,
// shared by the log and webhook reactions so `{{after.x}}` means the same in both.
#pragma once

#include <vector>

#include "core/value.hpp"
#include "engine/query_diff.hpp"

namespace livedash::reactions {

//! A row as a map from column name to value.
core::Value rowValue(const engine::QueryDiff& diff, const std::vector<core::Value>& row);

//! `{query_name, operation}` plus `before`/`after` for the rows given (null pointer: absent).
core::Map rowContext(const engine::QueryDiff& diff, const char* operation,
                     const std::vector<core::Value>* before, const std::vector<core::Value>* after);

}  // namespace livedash::reactions
