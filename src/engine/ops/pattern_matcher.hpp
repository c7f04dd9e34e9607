// src/engine/ops/pattern_matcher.hpp
//
// Finds the solutions of a multi-element MATCH incrementally. A solution binds every node and
// relationship of the pattern; its key is the ids of its elements. Invariants:
//  - `solutions_by_element_` maps each element id to the keys of the current solutions that use
//    it, so a change to one element re-derives exactly the solutions it can affect;
//  - the join indexes hold, per join key (label, property), the elements by property value, as
//    of the latest transition.
// A change to element X removes every solution that used X and adds every solution that uses
// X's new version; the stages downstream turn remove+add of the same key into an update.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/element_store.hpp"
#include "engine/ops/stage.hpp"
#include "engine/plan/query_plan.hpp"

namespace livedash::engine {

//! Every element that may bind `node`: those with its first required label, or else those with
//! any of its alternatives, each once even when it carries several.
void forEachCandidate(const ElementStore& store, const MatchNode& node,
                      const std::function<void(ElementHandle)>& visit);

class PatternMatcher {
 public:
  //! Called once per solution, with the bound elements by slot; returns whether the solution
  //! passed the query's predicate (only those are remembered, and later removed).
  using Emit = std::function<bool(const RowKey& key, const std::vector<const ElementVersion*>&)>;
  using Remove = std::function<void(const RowKey& key)>;

  //! Whether an OPTIONAL MATCH extension passes the OPTIONAL MATCH's own conditions.
  using OptionalFilter = std::function<bool(const std::vector<const ElementVersion*>&)>;

  PatternMatcher(const MatchPlan& plan, const ElementStore& store, OptionalFilter filter = {});

  void onTransition(const ElementTransition& t, const Emit& emit, const Remove& remove);
  //! Every solution over the store's current elements.
  void bootstrap(const Emit& emit);
  //! Evaluates the solution `key` again, if its elements still form it.
  void reevaluate(const RowKey& key, const Emit& emit, const Remove& remove);
  size_t solutionCount() const { return solution_count_; }

 private:
  struct Search;
  using JoinIndex =
      std::unordered_map<core::Value, std::unordered_set<std::string>, core::ValueHash>;

  //! A property's value by name (null: absent).
  using PropertyLookup = std::function<const core::Value*(const std::string&)>;

  void updateJoinIndexes(const ElementTransition& t);
  void indexJoinKeys(const std::string& id, const core::Labels& labels,
                     const PropertyLookup& property_of, int sign);
  void indexJoinKeys(const std::string& id, const core::Labels& labels, const core::Map& properties,
                     int sign);
  //! Whether the transition changed a property that some join keys on.
  bool changesJoinKey(const ElementTransition& t) const;
  void solveFrom(const ElementVersion& start, bool first_node_only,
                 std::map<RowKey, std::vector<const ElementVersion*>>& out) const;
  //! Ids of MATCH-part elements whose solutions an element in the OPTIONAL MATCH position can
  //! change: those it is attached to now, and those it was part of a solution with.
  std::unordered_set<std::string> optionalAnchors(const ElementTransition& t) const;
  void neighboursThroughOptionalEdges(const ElementVersion& v,
                                      std::unordered_set<std::string>& out) const;
  //! onTransition() for a pattern with no OPTIONAL MATCH.
  void onTransitionOfOwnSolutions(const ElementTransition& t, const Emit& emit,
                                  const Remove& remove);
  void record(const RowKey& key);
  void forget(const RowKey& key);
  const JoinIndex* joinIndex(const JoinSpec::Key& key) const;
  JoinIndex& joinIndexFor(const JoinSpec::Key& key);

  const MatchPlan& plan_;
  const ElementStore& store_;
  OptionalFilter optional_filter_;
  std::map<std::pair<std::string, std::string>, JoinIndex> join_indexes_;
  //! Each join edge key of the plan and its index (made up front), so that a lookup compares
  //! one pointer instead of building a (label, property) pair of strings.
  std::vector<std::pair<const JoinSpec::Key*, JoinIndex*>> index_of_key_;
  std::unordered_map<std::string, std::unordered_set<RowKey, core::ValuesHash>>
      solutions_by_element_;
  size_t solution_count_ = 0;

  friend struct Search;
};

}  // namespace livedash::engine
