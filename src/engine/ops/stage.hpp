// src/engine/ops/stage.hpp
//
// The incremental operators of a query form a chain. Each stage is told, per row key, what the
// row of its input is now (or that it is gone) and passes its own changes on. Contract:
//  - push() is O(log n) in the stage's state, deterministic, with no I/O and no clock but the
//    context's now_ms;
//  - a stage keeps whatever it needs to retract a row later, so nobody upstream stores "before";
//  - flush() runs once at the end of each transaction, in chain order, for stages that defer
//    work (aggregates), then calls the next stage's flush().
#pragma once

#include <cstdint>
#include <vector>

#include "core/value.hpp"
#include "engine/eval/eval_context.hpp"

namespace livedash::engine {

using RowKey = std::vector<core::Value>;
using Row = std::vector<core::Value>;

//! A dense number standing for a row key, when whoever pushes has one: a single-node query's
//! element handle. A stage may index its state by it instead of hashing the key. Within one
//! transaction a slot stands for one key; across transactions it may be reused for another key
//! once the first is gone. For a given stage, either every push carries a slot or none does.
using RowSlot = uint32_t;
inline constexpr RowSlot kNoSlot = UINT32_MAX;

class Stage {
 public:
  virtual ~Stage() = default;
  //! The input row for `key` is now `ctx` (nullptr: there is no row for `key` any more).
  virtual void push(const RowKey& key, RowSlot slot, EvalContext* ctx) = 0;
  //! A push for `slot` is about to come: the stage may start loading its state for it, so that
  //! the cache miss overlaps the element store's own work. A hint only; does nothing by default.
  virtual void prefetch(RowSlot /*slot*/) const {}
  virtual void flush(int64_t now_ms) {
    if (next_)
      next_->flush(now_ms);
  }
  void setNext(Stage* next) { next_ = next; }

 protected:
  Stage* next_ = nullptr;
};

}  // namespace livedash::engine
