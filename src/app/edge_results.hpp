// src/app/edge_results.hpp
//
// An edge's copy of one query's result: the rows of a snapshot with diffs applied in sequence, as
// a page holds them. Rows are kept as canonical JSON text (keys sorted), so a diff's `deleted` row
// or `updated.before` finds its twin by value; the result is a set, so their order is not kept.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "core/value.hpp"

namespace livedash::app {

//! A query's result as an edge answers it: its sequence and its rows.
struct EdgeQueryResults {
  uint64_t sequence = 0;
  std::string rows_json;  //!< `[row,…]`
};

class EdgeResults {
 public:
  //! `data`: the snapshot's rows (a JSON list, parsed).
  void reset(const core::Value& data, uint64_t sequence);
  //! Applies a diff in the SSE `data` shape. False when it is not the next sequence (the engine
  //! restarted) or does not fit the rows; the rows are then unspecified: reset() again.
  bool apply(const core::Value& diff);

  uint64_t sequence() const { return sequence_; }
  //! `[row,…]`.
  std::string rowsJson() const;

 private:
  uint64_t sequence_ = 0;
  std::multiset<std::string> rows_;
};

}  // namespace livedash::app
