// src/engine/ops/aggregate_stage.cpp
#include "engine/ops/aggregate_stage.hpp"

#include "engine/eval/evaluator.hpp"

namespace livedash::engine {

void AggregateStage::push(const RowKey& key, EvalContext* ctx) {
  auto existing = contributions_.find(key);
  if (!ctx) {
    if (existing != contributions_.end()) {
      apply(existing->second, -1);
      contributions_.erase(existing);
    }
    return;
  }
  parameters_ = ctx->parameters;
  Contribution c;
  c.group.reserve(plan_.items.size());
  for (const BoundExpr& item : plan_.items) {
    c.group.push_back(evaluate(item, *ctx));
  }
  c.arguments.reserve(plan_.aggregates.size());
  for (const AggregateSpec& spec : plan_.aggregates) {
    c.arguments.push_back(spec.argument ? evaluate(*spec.argument, *ctx) : core::Value());
  }
  if (existing != contributions_.end()) {
    // Replaced in place: most changes update a row that is already counted.
    apply(existing->second, -1);
    apply(c, 1);
    existing->second = std::move(c);
    return;
  }
  apply(c, 1);
  contributions_.emplace(key, std::move(c));
}

void AggregateStage::apply(const Contribution& c, int sign) {
  auto it = groups_.find(c.group);
  if (it == groups_.end()) {
    Group g;
    for (const AggregateSpec& spec : plan_.aggregates) {
      g.accumulators.push_back(makeAccumulator(spec));
    }
    it = groups_.emplace(c.group, std::move(g)).first;
  }
  Group& g = it->second;
  g.rows += sign;
  for (size_t i = 0; i < g.accumulators.size(); ++i) {
    if (sign > 0) {
      g.accumulators[i]->add(c.arguments[i]);
    } else {
      g.accumulators[i]->remove(c.arguments[i]);
    }
  }
  dirty_.insert(c.group);
}

void AggregateStage::flush(int64_t now_ms) {
  for (const RowKey& group_key : dirty_) {
    auto it = groups_.find(group_key);
    if (it == groups_.end() || it->second.rows <= 0) {
      if (it != groups_.end())
        groups_.erase(it);
      next_->push(group_key, nullptr);
      continue;
    }
    std::vector<core::Value> results;
    results.reserve(it->second.accumulators.size());
    for (const AccumulatorPtr& acc : it->second.accumulators)
      results.push_back(acc->result());
    EvalContext finalize;
    finalize.aggregates = &results;
    finalize.parameters = parameters_;
    finalize.now_ms = now_ms;
    Row row;
    row.reserve(plan_.columns.size());
    size_t group_index = 0;
    size_t aggregate_index = 0;
    for (bool is_group : plan_.is_group_column) {
      row.push_back(is_group ? group_key[group_index++]
                             : evaluate(plan_.aggregate_items[aggregate_index++], finalize));
    }
    EvalContext out;
    out.columns = &row;
    out.parameters = parameters_;
    out.now_ms = now_ms;
    if (plan_.having && !isTrue(evaluate(*plan_.having, out))) {
      next_->push(group_key, nullptr);
    } else {
      next_->push(group_key, &out);
    }
  }
  clearForNextTransaction(dirty_);
  Stage::flush(now_ms);
}

}  // namespace livedash::engine
