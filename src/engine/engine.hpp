// src/engine/engine.hpp
//
// The engine: the element store and the continuous queries over it. It applies change batches
// and hands each resulting diff to the DiffSink. Single-threaded by design (see EngineThread);
// deterministic given its inputs and its clock.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "core/clock.hpp"
#include "engine/continuous_query.hpp"
#include "engine/element_store.hpp"
#include "engine/future_queue.hpp"
#include "engine/query_diff.hpp"

namespace livedash::engine {

//! Receives every non-empty diff, on the engine thread, in sequence order per query.
class DiffSink {
 public:
  virtual ~DiffSink() = default;
  virtual void onDiff(const QueryDiff& diff) = 0;
};

class Engine {
 public:
  explicit Engine(const core::Clock& clock) : clock_(clock) {}

  void setDiffSink(DiffSink* sink) { sink_ = sink; }
  //! Creates a query and loads it from the current elements. Throws core::Error (with a span
  //! into the query text) when the query is invalid, or Conflict when the id is taken.
  void addQuery(QueryDefinition definition);
  //! Returns whether the query existed.
  bool removeQuery(const std::string& id);
  const ContinuousQuery* findQuery(const std::string& id) const;
  std::vector<std::string> queryIds() const;

  //! Applies one source transaction: at most one diff per query.
  void apply(const core::ChangeBatch& batch);
  //! Applies a backlog of transactions, one after another, with exactly the diffs of applying
  //! each on its own. Knowing what comes next lets the engine start loading the elements (and
  //! the queries' state for them) of the changes a few places ahead, so the cache misses of
  //! consecutive changes overlap instead of following one another.
  void apply(std::span<const core::ChangeBatch> batches);
  //! Fires every future due at the clock's now, as one transaction per affected query.
  void fireDueFutures();
  //! When the next future is due, if any.
  std::optional<int64_t> nextDueMs() const { return futures_.nextDueMs(); }
  size_t pendingFutures() const { return futures_.size(); }

  const ElementStore& elements() const { return store_; }
  const core::Clock& clock() const { return clock_; }

 private:
  class Lookahead;
  void applyTransaction(const core::ChangeBatch& batch, Lookahead& ahead);
  void applyChange(const core::Change& change, int64_t now, int64_t commit_time_ms,
                   std::vector<ContinuousQuery*>& touched);
  void failQueriesReading(const core::DroppedProperty& dropped);
  void applyTruncate(const core::Change& truncate, int64_t now, int64_t commit_time_ms,
                     std::vector<ContinuousQuery*>& touched);
  static void markTouched(std::vector<ContinuousQuery*>& touched, ContinuousQuery* query);
  //! Ends the transaction in each touched query and hands its diff, if any, to the sink.
  void endTransactions(const std::vector<ContinuousQuery*>& touched, int64_t now_ms,
                       int64_t commit_time_ms);

  const core::Clock& clock_;
  DiffSink* sink_ = nullptr;
  ElementStore store_;
  std::map<std::string, ContinuousQueryPtr> queries_;
  FutureQueue futures_;
  //! The queries the current transaction touched (kept to reuse its buffer).
  std::vector<ContinuousQuery*> touched_;
};

}  // namespace livedash::engine
