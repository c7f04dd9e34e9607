// src/engine/ops/project_stage.hpp
#pragma once

#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"

namespace livedash::engine {

//! A non-aggregating WITH or RETURN: computes the output row from the input row, then applies
//! `WITH … WHERE`. Stateless: downstream stages remember what they were given.
class ProjectStage final : public Stage {
 public:
  explicit ProjectStage(const ProjectionPlan& plan) : plan_(plan) {}
  void push(const RowKey& key, RowSlot slot, EvalContext* ctx) override;
  void prefetch(RowSlot slot) const override { next_->prefetch(slot); }

 private:
  const ProjectionPlan& plan_;
  Row row_;
};

}  // namespace livedash::engine
