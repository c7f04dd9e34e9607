// src/engine/ops/result_stage.cpp
#include "engine/ops/result_stage.hpp"

#include <algorithm>
#include <unordered_map>

#include "engine/eval/evaluator.hpp"

namespace livedash::engine {

namespace {

// Cypher sorts NULL after every value in ascending order (and so first in descending order).
std::strong_ordering compareForSort(const core::Value& a, const core::Value& b) {
  if (a.isNull() != b.isNull()) {
    return a.isNull() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  return a <=> b;
}

}  // namespace

bool ResultStage::SortOrder::less(const Row& a_values, const RowKey& a_key, const Row& b_values,
                                  const RowKey& b_key) const {
  for (size_t i = 0; i < a_values.size(); ++i) {
    auto c = compareForSort(a_values[i], b_values[i]);
    if (c != 0) {
      bool reversed = descending && i < descending->size() && (*descending)[i];
      return reversed ? c > 0 : c < 0;
    }
  }
  // Ties keep a stable, deterministic order by row identity.
  return a_key < b_key;
}

Row ResultStage::visiblePart(const Row& row) const {
  if (row.size() <= visible_columns_)
    return row;
  return Row(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(visible_columns_));
}

Row ResultStage::visiblePart(Row&& row) const {
  if (row.size() > visible_columns_)
    row.resize(visible_columns_);
  return std::move(row);
}

Row ResultStage::copyOf(const Row& row, size_t columns) {
  Row out;
  if (!spare_.empty()) {
    out = std::move(spare_.back());
    spare_.pop_back();
  }
  out.assign(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(std::min(columns, row.size())));
  return out;
}

void ResultStage::keepSpare(Row&& row) {
  // A bounded pool: a huge transaction (a bulk load) should not pin its memory.
  constexpr size_t kMaxSpare = 64;
  if (spare_.size() < kMaxSpare) {
    row.clear();
    spare_.push_back(std::move(row));
  }
}

void ResultStage::recycle(QueryDiff& diff) {
  for (Row& row : diff.added)
    keepSpare(std::move(row));
  for (auto& [before, after] : diff.updated) {
    keepSpare(std::move(before));
    keepSpare(std::move(after));
  }
  for (Row& row : diff.deleted)
    keepSpare(std::move(row));
  diff.added.clear();
  diff.updated.clear();
  diff.deleted.clear();
}

bool ResultStage::sameVisiblePart(const Row& a, const Row& b) const {
  size_t na = std::min(a.size(), visible_columns_);
  size_t nb = std::min(b.size(), visible_columns_);
  return na == nb && std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(na), b.begin());
}

void ResultStage::sortValuesInto(const Row& row, Row& out) const {
  EvalContext ctx;
  ctx.columns = &row;
  out.clear();
  for (const BoundExpr& key : top_n_->keys)
    out.push_back(evaluate(key, ctx));
}

void ResultStage::prefetch(RowSlot slot) const {
  if (Rows::value_type* const* row = by_slot_.find(slot); row && *row)
    __builtin_prefetch(*row);
}

ResultStage::Rows::value_type* ResultStage::findRow(const RowKey& key, RowSlot slot) {
  if (slot != kNoSlot) {
    Rows::value_type** row = by_slot_.find(slot);
    return row ? *row : nullptr;
  }
  auto it = rows_.find(key);
  return it == rows_.end() ? nullptr : &*it;
}

ResultStage::Rows::value_type& ResultStage::makeRow(const RowKey& key, RowSlot slot) {
  Rows::value_type& row = *rows_.try_emplace(key).first;
  Entry& e = row.second;
  if (e.slot != slot) {
    // The key is back, as a new element, within the transaction that removed it.
    if (e.slot != kNoSlot)
      by_slot_[e.slot] = nullptr;
    e.slot = slot;
    if (slot != kNoSlot)
      by_slot_[slot] = &row;
  }
  return row;
}

void ResultStage::eraseRow(Rows::value_type* row) {
  if (row->second.slot != kNoSlot)
    by_slot_[row->second.slot] = nullptr;
  rows_.erase(rows_.find(row->first));
}

void ResultStage::push(const RowKey& key, RowSlot slot, EvalContext* ctx) {
  if (top_n_) {
    pushTopN(key, slot, ctx);
    return;
  }
  Rows::value_type* row = findRow(key, slot);
  if (!row) {
    if (!ctx && !tracking_)
      return;
    row = &makeRow(key, slot);
  }
  Entry& e = row->second;
  if (tracking_ && !e.touched) {
    e.touched = true;
    // The row is about to be replaced or removed: it moves into `start` rather than copied.
    e.start = e.present ? std::optional<Row>(std::move(e.row)) : std::nullopt;
    touched_.push_back(row);
  }
  if (ctx) {
    if (e.row.empty())
      e.row = copyOf(*ctx->columns, ctx->columns->size());
    else
      e.row = *ctx->columns;
    present_ += e.present ? 0 : 1;
    e.present = true;
    return;
  }
  present_ -= e.present ? 1 : 0;
  e.present = false;
  e.row.clear();
  // A removed key stays until takeDiff when its start row is still needed.
  if (!e.touched)
    eraseRow(row);
}

void ResultStage::pushTopN(const RowKey& key, RowSlot slot, EvalContext* ctx) {
  Rows::value_type* existing = findRow(key, slot);
  if (existing)
    sortValuesInto(existing->second.row, before_values_);
  if (ctx)
    sortValuesInto(*ctx->columns, after_values_);
  // Most updates leave the sort key alone: the row keeps its place.
  bool same_place = existing && ctx && before_values_ == after_values_;
  if (!same_place) {
    if (existing)
      order_.erase(SortEntry{before_values_, key});
    if (ctx)
      order_.insert(SortEntry{after_values_, key});
  }
  window_dirty_ = window_dirty_ || (existing && affectsWindow(before_values_, key)) ||
                  (ctx && affectsWindow(after_values_, key));
  if (!ctx) {
    if (existing) {
      eraseRow(existing);
      --present_;
    }
    return;
  }
  if (existing) {
    existing->second.row = *ctx->columns;
  } else {
    Entry& e = makeRow(key, slot).second;
    e.row = *ctx->columns;
    e.present = true;
    ++present_;
  }
}

bool ResultStage::affectsWindow(const Row& sort_values, const RowKey& key) const {
  if (!boundary_) {
    return true;
  }
  // At or before the boundary: inside the window, or before it, shifting it.
  return !order_.key_comp().less(boundary_->sort_values, boundary_->key, sort_values, key);
}

void ResultStage::takeDiff(QueryDiff& diff) {
  if (top_n_) {
    takeWindowDiff(diff);
    return;
  }
  // Rows come out in key order, so a diff reads the same whatever the hash layout.
  if (touched_.size() > 1) {
    std::sort(
        touched_.begin(), touched_.end(),
        [](const Rows::value_type* a, const Rows::value_type* b) { return a->first < b->first; });
  }
  for (Rows::value_type* touched : touched_) {
    Entry& e = touched->second;
    e.touched = false;
    std::optional<Row> start = std::move(e.start);
    e.start.reset();
    if (!start && e.present) {
      diff.added.push_back(copyOf(e.row, visible_columns_));
    } else if (start && !e.present) {
      diff.deleted.push_back(visiblePart(std::move(*start)));
    } else if (start && e.present && !sameVisiblePart(*start, e.row)) {
      diff.updated.emplace_back(visiblePart(std::move(*start)), copyOf(e.row, visible_columns_));
    } else if (start) {
      keepSpare(std::move(*start));
    }
    if (!e.present)
      eraseRow(touched);
  }
  touched_.clear();
}

void ResultStage::takeWindowDiff(QueryDiff& diff) {
  if (!window_dirty_)
    return;
  window_dirty_ = false;
  std::vector<std::pair<RowKey, Row>> window;
  const SortEntry* last = nullptr;
  int64_t skip = top_n_->skip;
  for (const SortEntry& entry : order_) {
    if (skip > 0) {
      --skip;
      continue;
    }
    if (top_n_->limit && static_cast<int64_t>(window.size()) >= *top_n_->limit)
      break;
    window.emplace_back(entry.key, visiblePart(rows_.at(entry.key).row));
    last = &entry;
  }
  bool full =
      top_n_->limit && *top_n_->limit > 0 && static_cast<int64_t>(window.size()) == *top_n_->limit;
  boundary_ = full ? std::optional<SortEntry>(*last) : std::nullopt;
  std::unordered_map<RowKey, const Row*, core::ValuesHash> previous;
  for (const auto& [key, row] : visible_window_)
    previous.emplace(key, &row);
  for (const auto& [key, row] : window) {
    auto it = previous.find(key);
    if (it == previous.end()) {
      diff.added.push_back(row);
      continue;
    }
    if (*it->second != row)
      diff.updated.emplace_back(*it->second, row);
    previous.erase(it);
  }
  for (const auto& [key, row] : visible_window_) {
    if (previous.count(key))
      diff.deleted.push_back(row);
  }
  visible_window_ = std::move(window);
}

std::vector<Row> ResultStage::visibleRows() const {
  std::vector<Row> out;
  if (top_n_) {
    for (const auto& [key, row] : visible_window_)
      out.push_back(row);
    return out;
  }
  out.reserve(present_);
  for (const auto& [key, entry] : rows_) {
    if (entry.present)
      out.push_back(visiblePart(entry.row));
  }
  return out;
}

}  // namespace livedash::engine
