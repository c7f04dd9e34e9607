// src/engine/query_diff.hpp
//
// What a continuous query emits for one transaction, and its JSON form: the `data` of an SSE
// message, one line of `livedash replay`, and the payload of a WebSocket diff.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace livedash::engine {

using ColumnNames = std::shared_ptr<const std::vector<std::string>>;

struct QueryDiff {
  std::string query_id;
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;
  ColumnNames columns;
  std::vector<std::vector<core::Value>> added;
  std::vector<std::pair<std::vector<core::Value>, std::vector<core::Value>>> updated;
  std::vector<std::vector<core::Value>> deleted;

  bool empty() const { return added.empty() && updated.empty() && deleted.empty(); }
};

//! A row as a JSON object, columns in RETURN order.
void appendRowJson(std::string& out, const std::vector<std::string>& columns,
                   const std::vector<core::Value>& row);
//! `{"queryId","sequence","timestamp","added":[…],"updated":[{"before","after"}],"deleted":[…]}`
std::string diffJson(const QueryDiff& diff);

//! The current result of a query, with the sequence of the last diff it reflects.
struct QuerySnapshot {
  uint64_t sequence = 0;
  ColumnNames columns;
  std::vector<std::vector<core::Value>> rows;
};

//! `[{row}, …]`
std::string rowsJson(const QuerySnapshot& snapshot);

}  // namespace livedash::engine
