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

bool ResultStage::SortOrder::operator()(const SortEntry& a, const SortEntry& b) const {
  for (size_t i = 0; i < a.sort_values.size(); ++i) {
    auto c = compareForSort(a.sort_values[i], b.sort_values[i]);
    if (c != 0) {
      bool reversed = descending && i < descending->size() && (*descending)[i];
      return reversed ? c > 0 : c < 0;
    }
  }
  // Ties keep a stable, deterministic order by row identity.
  return a.key < b.key;
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

bool ResultStage::sameVisiblePart(const Row& a, const Row& b) const {
  size_t na = std::min(a.size(), visible_columns_);
  size_t nb = std::min(b.size(), visible_columns_);
  return na == nb && std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(na), b.begin());
}

Row ResultStage::sortValues(const Row& row) const {
  EvalContext ctx;
  ctx.columns = &row;
  Row values;
  values.reserve(top_n_->keys.size());
  for (const BoundExpr& key : top_n_->keys)
    values.push_back(evaluate(key, ctx));
  return values;
}

void ResultStage::push(const RowKey& key, RowSlot, EvalContext* ctx) {
  if (top_n_) {
    pushTopN(key, ctx);
    return;
  }
  auto [it, inserted] = rows_.try_emplace(key);
  Entry& e = it->second;
  if (tracking_ && !e.touched) {
    e.touched = true;
    // The row is about to be replaced or removed: it moves into `start` rather than copied.
    e.start = e.present ? std::optional<Row>(std::move(e.row)) : std::nullopt;
    touched_.push_back(&*it);
  }
  if (ctx) {
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
    rows_.erase(it);
}

void ResultStage::pushTopN(const RowKey& key, EvalContext* ctx) {
  auto existing = rows_.find(key);
  std::optional<SortEntry> before;
  std::optional<SortEntry> after;
  if (existing != rows_.end()) {
    before = SortEntry{sortValues(existing->second.row), key};
  }
  if (ctx) {
    after = SortEntry{sortValues(*ctx->columns), key};
  }
  // Most updates leave the sort key alone: the row keeps its place.
  bool same_place = before && after && before->sort_values == after->sort_values;
  if (!same_place) {
    if (before) {
      order_.erase(*before);
    }
    if (after) {
      order_.insert(*after);
    }
  }
  window_dirty_ = window_dirty_ || affectsWindow(before) || affectsWindow(after);
  if (!ctx) {
    if (existing != rows_.end()) {
      rows_.erase(existing);
      --present_;
    }
    return;
  }
  if (existing != rows_.end()) {
    existing->second.row = *ctx->columns;
  } else {
    Entry& e = rows_[key];
    e.row = *ctx->columns;
    e.present = true;
    ++present_;
  }
}

bool ResultStage::affectsWindow(const std::optional<SortEntry>& entry) const {
  if (!entry) {
    return false;
  }
  if (!boundary_) {
    return true;
  }
  // At or before the boundary: inside the window, or before it, shifting it.
  return !order_.key_comp()(*boundary_, *entry);
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
      diff.added.push_back(visiblePart(e.row));
    } else if (start && !e.present) {
      diff.deleted.push_back(visiblePart(std::move(*start)));
    } else if (start && e.present && !sameVisiblePart(*start, e.row)) {
      diff.updated.emplace_back(visiblePart(std::move(*start)), visiblePart(e.row));
    }
    if (!e.present)
      rows_.erase(rows_.find(touched->first));
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
