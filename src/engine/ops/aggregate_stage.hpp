// src/engine/ops/aggregate_stage.hpp
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "engine/ops/accumulator.hpp"
#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"

namespace livedash::engine {

//! An aggregating WITH or RETURN (also DISTINCT). Invariants:
//!  - every input key with a row has exactly one Contribution, and that contribution has been
//!    added to exactly one group's accumulators;
//!  - a group exists only while at least one input row belongs to it: an empty group is deleted,
//!    never left as a zero row;
//!  - groups touched in a transaction are emitted once, at flush().
class AggregateStage final : public Stage {
 public:
  explicit AggregateStage(const ProjectionPlan& plan) : plan_(plan) {}
  void push(const RowKey& key, EvalContext* ctx) override;
  void flush(int64_t now_ms) override;

  size_t groupCount() const { return groups_.size(); }

 private:
  struct Contribution {
    RowKey group;
    std::vector<core::Value> arguments;
  };
  struct Group {
    int64_t rows = 0;
    std::vector<AccumulatorPtr> accumulators;
  };

  void apply(const Contribution& c, int sign);

  const ProjectionPlan& plan_;
  std::unordered_map<RowKey, Contribution, core::ValuesHash> contributions_;
  std::unordered_map<RowKey, Group, core::ValuesHash> groups_;
  std::unordered_set<RowKey, core::ValuesHash> dirty_;
  const std::vector<core::Value>* parameters_ = nullptr;
};

}  // namespace livedash::engine
