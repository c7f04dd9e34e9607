// src/engine/ops/aggregate_stage.hpp
#pragma once

#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "engine/ops/accumulator.hpp"
#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"
#include "engine/slot_array.hpp"

namespace livedash::engine {

//! An aggregating WITH or RETURN (also DISTINCT). Invariants:
//!  - every input key with a row has exactly one Contribution, and that contribution has been
//!    added to exactly one group's accumulators;
//!  - a group exists only while at least one input row belongs to it: an empty group is deleted,
//!    never left as a zero row;
//!  - groups touched in a transaction are emitted once, at flush().
//! Contributions are kept by the input's slot when it has one (an array, no hashing), by key
//! otherwise. Each group has a slot of its own, passed down with its row, so the stages below
//! find the group's row without hashing its key; a deleted group's slot is reused from the next
//! transaction on.
class AggregateStage final : public Stage {
 public:
  explicit AggregateStage(const ProjectionPlan& plan);
  void push(const RowKey& key, RowSlot slot, EvalContext* ctx) override;
  void prefetch(RowSlot slot) const override;
  void flush(int64_t now_ms) override;

  size_t groupCount() const { return groups_.size(); }

 private:
  using Arguments = boost::container::small_vector<core::Value, 2>;
  struct Group {
    //! This group's key in `groups_` (map nodes never move).
    const RowKey* key = nullptr;
    int64_t rows = 0;
    RowSlot slot = kNoSlot;
    std::vector<AccumulatorPtr> accumulators;
    bool dirty = false;
  };
  struct Contribution {
    Group* group = nullptr;  //!< null: the key has no row
    Arguments arguments;
  };

  Contribution* findContribution(const RowKey& key, RowSlot slot);
  Contribution& newContribution(const RowKey& key, RowSlot slot);
  void forgetContribution(const RowKey& key, RowSlot slot);
  Group& groupFor(const RowKey& group_key);
  void apply(Group& group, const Arguments& arguments, int sign);

  const ProjectionPlan& plan_;
  SlotArray<Contribution> by_slot_;
  std::unordered_map<RowKey, Contribution, core::ValuesHash> by_key_;
  std::unordered_map<RowKey, Group, core::ValuesHash> groups_;
  std::vector<Group*> dirty_;
  RowSlot next_group_slot_ = 0;
  std::vector<RowSlot> free_group_slots_;
  const std::vector<core::Value>* parameters_ = nullptr;
  // Scratch, reused from push to push and flush to flush.
  RowKey group_key_;
  Arguments arguments_;
  std::vector<core::Value> results_;
  Row row_;
};

}  // namespace livedash::engine
