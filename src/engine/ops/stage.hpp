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

#include <vector>

#include "core/value.hpp"
#include "engine/eval/eval_context.hpp"

namespace livedash::engine {

using RowKey = std::vector<core::Value>;
using Row = std::vector<core::Value>;

//! Empties a per-transaction hash container. clear() keeps the bucket array, and clearing it
//! costs its full size every time: after one huge transaction (a bootstrap) that would be a
//! multi-megabyte memset on every later one. So a grown container is replaced instead.
template <class HashContainer>
void clearForNextTransaction(HashContainer& c) {
  if (c.bucket_count() > 1024) {
    HashContainer().swap(c);
  } else {
    c.clear();
  }
}

class Stage {
 public:
  virtual ~Stage() = default;
  //! The input row for `key` is now `ctx` (nullptr: there is no row for `key` any more).
  virtual void push(const RowKey& key, EvalContext* ctx) = 0;
  virtual void flush(int64_t now_ms) {
    if (next_)
      next_->flush(now_ms);
  }
  void setNext(Stage* next) { next_ = next; }

 protected:
  Stage* next_ = nullptr;
};

}  // namespace livedash::engine
