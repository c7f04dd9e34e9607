// src/engine/continuous_query.hpp
//
// One continuous query: its plan, its chain of incremental stages and its result set. It is
// told about element transitions and, at the end of each transaction, yields at most one diff.
// Not thread-safe: owned and driven by the engine thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/element_store.hpp"
#include "engine/ops/pattern_matcher.hpp"
#include "engine/ops/result_stage.hpp"
#include "engine/ops/stage.hpp"
#include "engine/plan/property_reads.hpp"
#include "engine/plan/query_plan.hpp"
#include "engine/query_diff.hpp"
#include "query/ast.hpp"

namespace livedash::engine {

struct QueryDefinition {
  std::string id;
  std::string text;
  core::Map parameters;
  std::vector<JoinSpec> joins;
  //! The sequence the query starts from: its first diff is this plus one. A restarted process
  //! passes the last sequence it published, so no number is used twice.
  uint64_t initial_sequence = 0;
};

class ContinuousQuery {
 public:
  //! Parses and plans; throws core::Error with a span into `definition.text` on a bad query.
  explicit ContinuousQuery(QueryDefinition definition);
  ~ContinuousQuery();

  const std::string& id() const { return definition_.id; }
  const std::string& text() const { return definition_.text; }
  const QueryPlan& plan() const { return plan_; }
  //! Whether a change to an element with these labels can affect the result.
  bool readsAnyLabel(const core::Labels& labels) const;
  //! False when `t` is an update that changed no property the query reads (and nothing else it
  //! sees), so the query's result cannot change; true otherwise.
  bool affectedBy(const ElementTransition& t) const;

  //! Where the query asks to be re-evaluated later (set by the engine before bootstrap).
  using Scheduler = std::function<void(int64_t due_ms, const RowKey& key)>;
  //! Forgets what a solution was waiting for: it is about to be evaluated afresh, or is gone.
  using Canceller = std::function<void(const RowKey& key)>;
  void setScheduler(Scheduler scheduler, Canceller cancel = {}) {
    schedule_ = std::move(scheduler);
    cancel_ = std::move(cancel);
  }

  //! Loads every matching element from the store, without emitting a diff. The store must be
  //! the one later transitions come from, and outlive the query.
  void bootstrap(const ElementStore& store, int64_t now_ms);
  //! A change of the element with `handle` is coming: starts loading what the query keeps for
  //! it, while the store is still merging the change (a hint; see Stage::prefetch).
  void prefetch(ElementHandle handle) const;
  void onTransition(const ElementTransition& t, int64_t now_ms, int64_t change_time_ms);
  //! Evaluates one solution again because time has passed (a future came due).
  void reevaluate(const RowKey& key, int64_t now_ms);
  //! Ends the transaction: returns its diff, stamped with `commit_time_ms`, or null if the
  //! result did not change. The diff is the query's own buffer, valid until the next call.
  const QueryDiff* endTransaction(int64_t now_ms, int64_t commit_time_ms);

  QuerySnapshot snapshot() const;

  //! Whether the query reads `property` of nodes labelled `label` (in MATCH, WHERE, RETURN or a
  //! join), so that losing that column leaves it unanswerable.
  bool readsProperty(std::string_view label, std::string_view property) const;
  //! Puts the query into an error state: it stops following changes and keeps the message.
  void fail(std::string message) { error_ = std::move(message); }
  const std::optional<std::string>& error() const { return error_; }
  uint64_t sequence() const { return sequence_; }

 private:
  //! Single-node queries: the element's solution is now `version` (null: it has none).
  void pushElement(const ElementVersion* version, const std::string& id, ElementHandle handle,
                   int64_t now_ms, int64_t change_time_ms);
  //! Pushes one solution, or its absence when it fails the predicate; returns whether it passed.
  bool pushSolution(const RowKey& key, RowSlot slot,
                    const std::vector<const ElementVersion*>& binding, int64_t now_ms,
                    int64_t change_time_ms);
  void removeSolution(const RowKey& key, RowSlot slot);
  //! Finds the previousValue calls and whether anything waits on time.
  void scanTemporalCalls(const BoundExpr& e);
  bool singleNode() const { return plan_.match.nodes.size() == 1 && plan_.match.edges.empty(); }

  QueryDefinition definition_;
  QueryPlan plan_;
  PropertyReads reads_;
  std::vector<std::unique_ptr<Stage>> stages_;
  ResultStage* result_ = nullptr;
  std::unique_ptr<PatternMatcher> matcher_;
  const ElementStore* store_ = nullptr;
  TemporalMarkers markers_;
  PreviousValues previous_;
  //! The drasi.previousValue and previousDistinctValue calls, evaluated on every data change.
  std::vector<const BoundExpr*> previous_value_calls_;
  uint64_t transactions_ = 0;
  //! Set while time, not data, brings a solution back (reevaluate()).
  bool reevaluating_ = false;
  Scheduler schedule_;
  Canceller cancel_;
  //! Whether any call in the query asks to be evaluated again later (trueFor, clock
  //! comparisons…): only then is there something to cancel.
  bool uses_time_ = false;
  bool touched_ = false;
  //! The diff endTransaction() fills, kept so its buffers are reused.
  QueryDiff diff_;
  // Single-node queries: the solution key and binding, reused from change to change.
  RowKey element_key_ = RowKey(1);
  std::vector<const ElementVersion*> element_binding_ = std::vector<const ElementVersion*>(1);
  uint64_t sequence_ = 0;
  std::optional<std::string> error_;
};
using ContinuousQueryPtr = std::unique_ptr<ContinuousQuery>;

}  // namespace livedash::engine
