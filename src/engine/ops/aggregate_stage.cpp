// src/engine/ops/aggregate_stage.cpp
#include "engine/ops/aggregate_stage.hpp"

#include "engine/eval/evaluator.hpp"

namespace livedash::engine {

AggregateStage::AggregateStage(const ProjectionPlan& plan)
    : plan_(plan), group_key_(plan.items.size()), arguments_(plan.aggregates.size()) {}

AggregateStage::Contribution* AggregateStage::findContribution(const RowKey& key, RowSlot slot) {
  if (slot != kNoSlot) {
    Contribution* c = by_slot_.find(slot);
    return c && c->group ? c : nullptr;
  }
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

AggregateStage::Contribution& AggregateStage::newContribution(const RowKey& key, RowSlot slot) {
  return slot == kNoSlot ? by_key_[key] : by_slot_[slot];
}

void AggregateStage::forgetContribution(const RowKey& key, RowSlot slot) {
  if (slot == kNoSlot) {
    by_key_.erase(key);
    return;
  }
  by_slot_[slot] = Contribution{};
}

void AggregateStage::prefetch(RowSlot slot) const {
  // A contribution spans two or three cache lines: its group and its arguments.
  if (const Contribution* c = by_slot_.find(slot)) {
    const char* bytes = reinterpret_cast<const char*>(c);
    for (size_t offset = 0; offset < sizeof(Contribution); offset += 64)
      __builtin_prefetch(bytes + offset);
    __builtin_prefetch(bytes + sizeof(Contribution) - 1);
  }
}

void AggregateStage::push(const RowKey& key, RowSlot slot, EvalContext* ctx) {
  Contribution* existing = findContribution(key, slot);
  if (!ctx) {
    if (existing) {
      apply(*existing->group, existing->arguments, -1);
      forgetContribution(key, slot);
    }
    return;
  }
  parameters_ = ctx->parameters;
  for (size_t i = 0; i < plan_.items.size(); ++i)
    group_key_[i] = evaluate(plan_.items[i], *ctx);
  for (size_t i = 0; i < plan_.aggregates.size(); ++i) {
    const AggregateSpec& spec = plan_.aggregates[i];
    arguments_[i] = spec.argument ? evaluate(*spec.argument, *ctx) : core::Value();
  }
  // Most changes update a row that is already counted: it is retracted and added again, and
  // when it stays in its group the group is not even looked up.
  Group& group =
      existing && *existing->group->key == group_key_ ? *existing->group : groupFor(group_key_);
  if (existing) {
    apply(*existing->group, existing->arguments, -1);
  } else {
    existing = &newContribution(key, slot);
  }
  apply(group, arguments_, 1);
  existing->group = &group;
  // The swap hands the old arguments back as scratch (empty for a new contribution).
  existing->arguments.swap(arguments_);
  arguments_.resize(plan_.aggregates.size());
}

AggregateStage::Group& AggregateStage::groupFor(const RowKey& group_key) {
  auto it = groups_.find(group_key);
  if (it == groups_.end()) {
    Group g;
    for (const AggregateSpec& spec : plan_.aggregates) {
      g.accumulators.push_back(makeAccumulator(spec));
    }
    if (free_group_slots_.empty()) {
      g.slot = next_group_slot_++;
    } else {
      g.slot = free_group_slots_.back();
      free_group_slots_.pop_back();
    }
    it = groups_.emplace(group_key, std::move(g)).first;
    it->second.key = &it->first;
  }
  return it->second;
}

void AggregateStage::apply(Group& g, const Arguments& arguments, int sign) {
  g.rows += sign;
  for (size_t i = 0; i < g.accumulators.size(); ++i) {
    if (sign > 0) {
      g.accumulators[i]->add(arguments[i]);
    } else {
      g.accumulators[i]->remove(arguments[i]);
    }
  }
  if (!g.dirty) {
    g.dirty = true;
    dirty_.push_back(&g);
  }
}

void AggregateStage::flush(int64_t now_ms) {
  for (Group* group : dirty_) {
    group->dirty = false;
    const RowKey& group_key = *group->key;
    RowSlot slot = group->slot;
    if (group->rows <= 0) {
      next_->push(group_key, slot, nullptr);
      // Free from the next transaction on: the stages below have let go of it by then.
      free_group_slots_.push_back(slot);
      groups_.erase(group_key);
      continue;
    }
    // Assigned in place, so the rows keep their buffers from flush to flush.
    results_.resize(group->accumulators.size());
    for (size_t i = 0; i < results_.size(); ++i)
      results_[i] = group->accumulators[i]->result();
    EvalContext finalize;
    finalize.aggregates = &results_;
    finalize.parameters = parameters_;
    finalize.now_ms = now_ms;
    row_.resize(plan_.is_group_column.size());
    size_t group_index = 0;
    size_t aggregate_index = 0;
    for (size_t column = 0; column < row_.size(); ++column) {
      if (plan_.is_group_column[column])
        row_[column] = group_key[group_index++];
      else
        row_[column] = evaluate(plan_.aggregate_items[aggregate_index++], finalize);
    }
    EvalContext out;
    out.columns = &row_;
    out.parameters = parameters_;
    out.now_ms = now_ms;
    if (plan_.having && !isTrue(evaluate(*plan_.having, out))) {
      next_->push(group_key, slot, nullptr);
    } else {
      next_->push(group_key, slot, &out);
    }
  }
  dirty_.clear();
  Stage::flush(now_ms);
}

}  // namespace livedash::engine
