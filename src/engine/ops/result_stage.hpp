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
//! Invariants: `rows_` holds every candidate (and, without top-N, keys removed in this
//! transaction until its diff is taken); `visible_window_` is what the last diff left the client
//! with; an entry touched in this transaction is in `touched_` and remembers its row at the
//! transaction's start.
class ResultStage final : public Stage {
 public:
  ResultStage(size_t visible_columns, const std::optional<TopNPlan>& top_n)
      : visible_columns_(visible_columns),
        top_n_(top_n),
        order_(SortOrder{top_n ? &top_n->descending : nullptr}) {}

  void push(const RowKey& key, RowSlot slot, EvalContext* ctx) override;
  void flush(int64_t) override {}

  //! Moves this transaction's changes into `diff` (rows cut to the visible columns).
  void takeDiff(QueryDiff& diff);
  //! Off while a bootstrap loads the result: its diff is never shown, so nothing is tracked.
  void setTracking(bool on) { tracking_ = on; }
  //! The visible rows, in ORDER BY order when there is one.
  std::vector<Row> visibleRows() const;
  size_t candidateCount() const { return present_; }

 private:
  struct SortEntry {
    Row sort_values;
    RowKey key;
  };
  struct SortOrder {
    const std::vector<bool>* descending;
    bool operator()(const SortEntry& a, const SortEntry& b) const;
  };

  struct Entry {
    Row row;  //!< meaningful while `present`
    //! When touched: the row at the transaction's start (nullopt: there was none).
    std::optional<Row> start;
    bool present = false;
    bool touched = false;
  };
  using Rows = std::unordered_map<RowKey, Entry, core::ValuesHash>;

  void pushTopN(const RowKey& key, EvalContext* ctx);
  Row visiblePart(const Row& row) const;
  Row visiblePart(Row&& row) const;
  bool sameVisiblePart(const Row& a, const Row& b) const;
  Row sortValues(const Row& row) const;
  void takeWindowDiff(QueryDiff& diff);
  //! Whether a row at this position can change what the window shows.
  bool affectsWindow(const std::optional<SortEntry>& entry) const;

  size_t visible_columns_;
  const std::optional<TopNPlan>& top_n_;
  Rows rows_;
  size_t present_ = 0;
  //! Entries touched in this transaction (map nodes never move).
  std::vector<Rows::value_type*> touched_;
  bool tracking_ = true;
  // Top-N only.
  std::set<SortEntry, SortOrder> order_;
  std::vector<std::pair<RowKey, Row>> visible_window_;
  bool window_dirty_ = false;
  //! The window's last row when the window is full: a change ordered after it (and not moving
  //! anything at or before it) leaves the window as it is. Unset: every change counts.
  std::optional<SortEntry> boundary_;
};

}  // namespace livedash::engine
