// src/engine/ops/result_stage.hpp
#pragma once

#include <optional>
#include <set>
#include <unordered_map>

#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"
#include "engine/query_diff.hpp"

namespace livedash::engine {

//! The end of the chain: the query's result set, keyed by a stable row identity, and the diff
//! of the current transaction. With a TopNPlan it keeps every candidate row in sort order and
//! shows only the window [skip, skip + limit); a deleted row in the window promotes the next one.
//! Invariants: `rows_` holds every candidate; `visible_` is what the last diff left the client
//! with; `batch_start_` remembers, for keys touched in this transaction, their row at its start.
class ResultStage final : public Stage {
 public:
  ResultStage(size_t visible_columns, const std::optional<TopNPlan>& top_n)
      : visible_columns_(visible_columns),
        top_n_(top_n),
        order_(SortOrder{top_n ? &top_n->descending : nullptr}) {}

  void push(const RowKey& key, EvalContext* ctx) override;
  void flush(int64_t) override {}

  //! Moves this transaction's changes into `diff` (rows cut to the visible columns).
  void takeDiff(QueryDiff& diff);
  //! The visible rows, in ORDER BY order when there is one.
  std::vector<Row> visibleRows() const;
  size_t candidateCount() const { return rows_.size(); }

 private:
  struct SortEntry {
    Row sort_values;
    RowKey key;
  };
  struct SortOrder {
    const std::vector<bool>* descending;
    bool operator()(const SortEntry& a, const SortEntry& b) const;
  };

  Row visiblePart(const Row& row) const;
  Row sortValues(const Row& row) const;
  void takeWindowDiff(QueryDiff& diff);
  //! Whether a row at this position can change what the window shows.
  bool affectsWindow(const std::optional<SortEntry>& entry) const;

  size_t visible_columns_;
  const std::optional<TopNPlan>& top_n_;
  std::unordered_map<RowKey, Row, core::ValuesHash> rows_;
  std::unordered_map<RowKey, std::optional<Row>, core::ValuesHash> batch_start_;
  // Top-N only.
  std::set<SortEntry, SortOrder> order_;
  std::vector<std::pair<RowKey, Row>> visible_window_;
  bool window_dirty_ = false;
  //! The window's last row when the window is full: a change ordered after it (and not moving
  //! anything at or before it) leaves the window as it is. Unset: every change counts.
  std::optional<SortEntry> boundary_;
};

}  // namespace livedash::engine
