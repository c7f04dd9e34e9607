// src/engine/ops/result_stage.hpp
#pragma once

#include <optional>
#include <set>
#include <unordered_map>

#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"
#include "engine/query_diff.hpp"
#include "engine/slot_array.hpp"

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
  void prefetch(RowSlot slot) const override;
  void flush(int64_t) override {}

  //! Moves this transaction's changes into `diff` (rows cut to the visible columns).
  void takeDiff(QueryDiff& diff);
  //! Takes the rows of a diff the caller is done with, to fill later diffs without allocating,
  //! and empties it.
  void recycle(QueryDiff& diff);
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
    bool operator()(const SortEntry& a, const SortEntry& b) const {
      return less(a.sort_values, a.key, b.sort_values, b.key);
    }
    bool less(const Row& a_values, const RowKey& a_key, const Row& b_values,
              const RowKey& b_key) const;
  };

  struct Entry {
    Row row;  //!< meaningful while `present`
    //! When touched: the row at the transaction's start (nullopt: there was none).
    std::optional<Row> start;
    bool present = false;
    bool touched = false;
    //! The slot this key came with, if any (`by_slot_` points back here).
    RowSlot slot = kNoSlot;
  };
  using Rows = std::unordered_map<RowKey, Entry, core::ValuesHash>;

  void pushTopN(const RowKey& key, RowSlot slot, EvalContext* ctx);
  Rows::value_type* findRow(const RowKey& key, RowSlot slot);
  Rows::value_type& makeRow(const RowKey& key, RowSlot slot);
  void eraseRow(Rows::value_type* row);
  Row visiblePart(const Row& row) const;
  Row visiblePart(Row&& row) const;
  //! A copy of `row` made in a recycled row's buffer when there is one.
  Row copyOf(const Row& row, size_t columns);
  void keepSpare(Row&& row);
  bool sameVisiblePart(const Row& a, const Row& b) const;
  void sortValuesInto(const Row& row, Row& out) const;
  void takeWindowDiff(QueryDiff& diff);
  //! Whether a row at this position can change what the window shows.
  bool affectsWindow(const Row& sort_values, const RowKey& key) const;

  size_t visible_columns_;
  const std::optional<TopNPlan>& top_n_;
  Rows rows_;
  //! Rows by the slot their key came with: most pushes find their row without hashing.
  SlotArray<Rows::value_type*> by_slot_;
  size_t present_ = 0;
  //! Entries touched in this transaction (map nodes never move).
  std::vector<Rows::value_type*> touched_;
  bool tracking_ = true;
  //! Rows of past diffs, kept for their buffers.
  std::vector<Row> spare_;
  // Top-N only.
  std::set<SortEntry, SortOrder> order_;
  std::vector<std::pair<RowKey, Row>> visible_window_;
  bool window_dirty_ = false;
  // Scratch sort values of the row before and after a push.
  Row before_values_;
  Row after_values_;
  //! The window's last row when the window is full: a change ordered after it (and not moving
  //! anything at or before it) leaves the window as it is. Unset: every change counts.
  std::optional<SortEntry> boundary_;
};

}  // namespace livedash::engine
