// src/engine/ops/project_stage.cpp
#include "engine/ops/project_stage.hpp"

#include "engine/eval/evaluator.hpp"

namespace livedash::engine {

void ProjectStage::push(const RowKey& key, RowSlot slot, EvalContext* ctx) {
  if (!ctx) {
    next_->push(key, slot, nullptr);
    return;
  }
  // The row is scratch: the next stage copies what it keeps.
  row_.clear();
  for (const BoundExpr& item : plan_.items) {
    row_.push_back(evaluate(item, *ctx));
  }
  EvalContext out;
  out.columns = &row_;
  out.parameters = ctx->parameters;
  out.now_ms = ctx->now_ms;
  if (plan_.having && !isTrue(evaluate(*plan_.having, out))) {
    next_->push(key, slot, nullptr);
    return;
  }
  next_->push(key, slot, &out);
}

}  // namespace livedash::engine
