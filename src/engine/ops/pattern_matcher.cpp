// src/engine/ops/pattern_matcher.cpp
#include "engine/ops/pattern_matcher.hpp"

#include <algorithm>

namespace livedash::engine {

namespace {

bool hasAnyType(const ElementVersion& v, const std::vector<std::string>& types) {
  if (!v.element.isRelation())
    return false;
  if (types.empty())
    return true;
  for (const std::string& t : types) {
    if (v.element.hasLabel(t))
      return true;
  }
  return false;
}

const core::Value* property(const ElementVersion& v, const std::string& name) {
  auto it = v.element.properties.find(name);
  return it == v.element.properties.end() || it->second.isNull() ? nullptr : &it->second;
}

}  // namespace

void forEachCandidate(const ElementStore& store, const MatchNode& node,
                      const std::function<void(ElementHandle)>& visit) {
  if (!node.labels.empty()) {
    if (const HandleSet* handles = store.handlesWithLabel(node.labels[0])) {
      for (ElementHandle handle : *handles)
        visit(handle);
    }
    return;
  }
  for (auto label = node.any_labels.begin(); label != node.any_labels.end(); ++label) {
    const HandleSet* handles = store.handlesWithLabel(*label);
    if (!handles)
      continue;
    for (ElementHandle handle : *handles) {
      const core::Element& e = store.at(handle)->element;
      // An element with an earlier alternative was visited under that one.
      if (std::none_of(node.any_labels.begin(), label,
                       [&](const std::string& earlier) { return e.hasLabel(earlier); })) {
        visit(handle);
      }
    }
  }
}

// One depth-first search for the solutions that contain a given starting binding.
// The MATCH part is bound first; then, if there is an OPTIONAL MATCH part, its extensions are
// collected, filtered, and emitted, or the solution is emitted once with the optional part null.
struct PatternMatcher::Search {
  const PatternMatcher& m;
  std::vector<const ElementVersion*> bound;
  std::vector<bool> edge_done;
  std::map<RowKey, std::vector<const ElementVersion*>>& out;
  bool optional_phase = false;
  std::vector<std::vector<const ElementVersion*>>* extensions = nullptr;

  const MatchPlan& plan() const { return m.plan_; }

  void emit(const std::vector<const ElementVersion*>& binding) {
    RowKey key;
    key.reserve(binding.size());
    for (const ElementVersion* v : binding)
      key.emplace_back(v ? v->element.id : std::string());
    out.emplace(std::move(key), binding);
  }

  void runOptionalPhase() {
    std::vector<std::vector<const ElementVersion*>> found;
    optional_phase = true;
    extensions = &found;
    run();
    optional_phase = false;
    extensions = nullptr;
    bool any = false;
    for (const auto& binding : found) {
      if (m.optional_filter_ && !m.optional_filter_(binding))
        continue;
      emit(binding);
      any = true;
    }
    if (!any)
      emit(bound);  // the optional slots are null here
  }

  void run() {
    for (size_t i = 0; i < plan().edges.size(); ++i) {
      const MatchEdge& e = plan().edges[i];
      if (edge_done[i] || e.optional != optional_phase)
        continue;
      if (!bound[e.from] && !bound[e.to])
        continue;
      edge_done[i] = true;
      if (e.join) {
        expandJoin(e);
      } else {
        expandRelation(e);
      }
      edge_done[i] = false;
      return;
    }
    for (const MatchNode& n : plan().nodes) {
      if (bound[n.slot] || n.optional != optional_phase)
        continue;
      // A part of the pattern not connected to what is bound: every element of the label.
      forEachCandidate(m.store_, n,
                       [&](ElementHandle handle) { bindNodeAndRun(n.slot, m.store_.at(handle)); });
      return;
    }
    if (optional_phase) {
      extensions->push_back(bound);
    } else if (plan().hasOptionalPart()) {
      runOptionalPhase();
    } else {
      emit(bound);
    }
  }

  void bindNodeAndRun(int node, const ElementVersion* v) {
    if (!v || !plan().nodes[node].accepts(v->element))
      return;
    bound[node] = v;
    run();
    bound[node] = nullptr;
  }

  void expandJoin(const MatchEdge& e) {
    const ElementVersion* from = bound[e.from];
    const ElementVersion* to = bound[e.to];
    if (from && to) {
      const core::Value* a = property(*from, e.from_key.property);
      const core::Value* b = property(*to, e.to_key.property);
      if (a && b && *a == *b)
        run();
      return;
    }
    bool from_known = from != nullptr;
    const core::Value* value =
        property(from_known ? *from : *to, from_known ? e.from_key.property : e.to_key.property);
    const JoinIndex* index = m.joinIndex(from_known ? e.to_key : e.from_key);
    if (!value || !index)
      return;
    auto it = index->find(*value);
    if (it == index->end())
      return;
    for (const std::string& id : it->second) {
      bindNodeAndRun(from_known ? e.to : e.from, m.store_.find(id));
    }
  }

  // Binds the relationship and whichever endpoint is still free, for each relationship element
  // that fits the edge's types and direction.
  void expandRelation(const MatchEdge& e) {
    const ElementVersion* fixed = bound[e.slot];
    const ElementVersion* anchor = bound[e.from] ? bound[e.from] : bound[e.to];
    if (fixed) {
      tryRelation(e, *fixed);
      return;
    }
    const auto* ids = m.store_.relationsOf(anchor->element.id);
    if (!ids)
      return;
    std::vector<std::string> candidates(ids->begin(), ids->end());
    for (const std::string& id : candidates) {
      const ElementVersion* r = m.store_.find(id);
      if (r && hasAnyType(*r, e.types))
        tryRelation(e, *r);
    }
  }

  void tryRelation(const MatchEdge& e, const ElementVersion& r) {
    const std::string& start = r.element.start_id;
    const std::string& end = r.element.end_id;
    if (e.direction != query::Direction::Incoming)
      tryOrientation(e, r, start, end);
    if (e.direction != query::Direction::Outgoing && start != end)
      tryOrientation(e, r, end, start);
  }

  void tryOrientation(const MatchEdge& e, const ElementVersion& r, const std::string& from_id,
                      const std::string& to_id) {
    const ElementVersion* saved_rel = bound[e.slot];
    const ElementVersion* saved_from = bound[e.from];
    const ElementVersion* saved_to = bound[e.to];
    if ((saved_from && saved_from->element.id != from_id) ||
        (saved_to && saved_to->element.id != to_id)) {
      return;
    }
    const ElementVersion* from = saved_from ? saved_from : m.store_.find(from_id);
    const ElementVersion* to = saved_to ? saved_to : m.store_.find(to_id);
    if (!from || !to || !plan().nodes[e.from].accepts(from->element) ||
        !plan().nodes[e.to].accepts(to->element)) {
      return;
    }
    if (e.from == e.to && from != to)
      return;
    bound[e.slot] = &r;
    bound[e.from] = from;
    bound[e.to] = to;
    run();
    bound[e.slot] = saved_rel;
    bound[e.from] = saved_from;
    bound[e.to] = saved_to;
  }
};

PatternMatcher::PatternMatcher(const MatchPlan& plan, const ElementStore& store,
                               OptionalFilter filter)
    : plan_(plan), store_(store), optional_filter_(std::move(filter)) {
  for (const MatchEdge& edge : plan_.edges) {
    if (!edge.join)
      continue;
    for (const JoinSpec::Key* key : {&edge.from_key, &edge.to_key})
      index_of_key_.emplace_back(key, &join_indexes_[{key->label, key->property}]);
  }
}

const PatternMatcher::JoinIndex* PatternMatcher::joinIndex(const JoinSpec::Key& key) const {
  return &const_cast<PatternMatcher*>(this)->joinIndexFor(key);
}

PatternMatcher::JoinIndex& PatternMatcher::joinIndexFor(const JoinSpec::Key& key) {
  for (const auto& [known, index] : index_of_key_) {
    if (known == &key)
      return *index;
  }
  return join_indexes_[{key.label, key.property}];
}

void PatternMatcher::indexJoinKeys(const std::string& id, const core::Labels& labels,
                                   const PropertyLookup& property_of, int sign) {
  for (const MatchEdge& edge : plan_.edges) {
    if (!edge.join)
      continue;
    for (const JoinSpec::Key* key : {&edge.from_key, &edge.to_key}) {
      if (std::find(labels.begin(), labels.end(), key->label) == labels.end())
        continue;
      const core::Value* value = property_of(key->property);
      if (!value || value->isNull())
        continue;
      JoinIndex& index = joinIndexFor(*key);
      if (sign > 0) {
        index[*value].insert(id);
      } else if (auto it = index.find(*value); it != index.end()) {
        it->second.erase(id);
        if (it->second.empty())
          index.erase(it);
      }
    }
  }
}

void PatternMatcher::indexJoinKeys(const std::string& id, const core::Labels& labels,
                                   const core::Map& properties, int sign) {
  indexJoinKeys(
      id, labels,
      [&](const std::string& name) -> const core::Value* {
        auto it = properties.find(name);
        return it == properties.end() ? nullptr : &it->second;
      },
      sign);
}

void PatternMatcher::updateJoinIndexes(const ElementTransition& t) {
  // An update that keeps every join key (the common case: an order changes status, not its id)
  // leaves the index saying the right thing.
  if (!t.shapeChanged() && !changesJoinKey(t))
    return;
  if (t.existedBefore()) {
    indexJoinKeys(
        t.id(), t.beforeLabels(), [&](const std::string& name) { return t.beforeProperty(name); },
        -1);
  }
  if (t.after)
    indexJoinKeys(t.id(), t.after->element.labels, t.after->element.properties, +1);
}

bool PatternMatcher::changesJoinKey(const ElementTransition& t) const {
  for (const MatchEdge& edge : plan_.edges) {
    if (!edge.join)
      continue;
    for (const JoinSpec::Key* key : {&edge.from_key, &edge.to_key}) {
      if (t.changedProperty(key->property))
        return true;
    }
  }
  return false;
}

void PatternMatcher::solveFrom(const ElementVersion& start, bool first_node_only,
                               std::map<RowKey, std::vector<const ElementVersion*>>& out) const {
  Search search{*this, std::vector<const ElementVersion*>(plan_.slot_count),
                std::vector<bool>(plan_.edges.size()), out};
  for (const MatchNode& n : plan_.nodes) {
    if (first_node_only && n.slot != 0)
      break;
    if (!n.optional)
      search.bindNodeAndRun(n.slot, &start);
  }
  if (first_node_only)
    return;
  for (size_t i = 0; i < plan_.edges.size(); ++i) {
    const MatchEdge& e = plan_.edges[i];
    if (e.join || e.optional || !hasAnyType(start, e.types))
      continue;
    search.edge_done[i] = true;
    search.bound[e.slot] = &start;
    search.tryRelation(e, start);
    search.bound[e.slot] = nullptr;
    search.edge_done[i] = false;
  }
}

void PatternMatcher::record(const RowKey& key) {
  for (const core::Value& id : key) {
    if (!id.asString().empty())
      solutions_by_element_[id.asString()].insert(key);
  }
  ++solution_count_;
}

void PatternMatcher::forget(const RowKey& key) {
  for (const core::Value& id : key) {
    auto it = solutions_by_element_.find(id.asString());
    if (it == solutions_by_element_.end())
      continue;
    it->second.erase(key);
    if (it->second.empty())
      solutions_by_element_.erase(it);
  }
  --solution_count_;
}

void PatternMatcher::neighboursThroughOptionalEdges(const ElementVersion& v,
                                                    std::unordered_set<std::string>& out) const {
  const core::Element& e = v.element;
  if (e.isRelation()) {
    for (const MatchEdge& edge : plan_.edges) {
      if (edge.optional && !edge.join && hasAnyType(v, edge.types)) {
        out.insert(e.start_id);
        out.insert(e.end_id);
      }
    }
    return;
  }
  for (const MatchEdge& edge : plan_.edges) {
    if (!edge.optional)
      continue;
    bool from_optional = plan_.nodes[edge.from].optional;
    const MatchNode& mine = plan_.nodes[from_optional ? edge.from : edge.to];
    if (!mine.accepts(v.element))
      continue;
    if (edge.join) {
      const JoinSpec::Key& my_key = from_optional ? edge.from_key : edge.to_key;
      const JoinSpec::Key& their_key = from_optional ? edge.to_key : edge.from_key;
      const core::Value* value = property(v, my_key.property);
      const JoinIndex* index = joinIndex(their_key);
      if (!value || !index)
        continue;
      if (auto it = index->find(*value); it != index->end())
        out.insert(it->second.begin(), it->second.end());
    } else if (const auto* rels = store_.relationsOf(e.id)) {
      for (const std::string& rel_id : *rels) {
        if (const ElementVersion* r = store_.find(rel_id)) {
          out.insert(r->element.start_id == e.id ? r->element.end_id : r->element.start_id);
        }
      }
    }
  }
}

std::unordered_set<std::string> PatternMatcher::optionalAnchors(const ElementTransition& t) const {
  std::unordered_set<std::string> anchors;
  const std::string& id = t.id();
  if (auto it = solutions_by_element_.find(id); it != solutions_by_element_.end()) {
    for (const RowKey& key : it->second) {
      for (const MatchNode& n : plan_.nodes) {
        if (!n.optional && key[n.slot].asString() != id)
          anchors.insert(key[n.slot].asString());
      }
    }
  }
  if (t.after)
    neighboursThroughOptionalEdges(*t.after, anchors);
  anchors.erase(id);
  return anchors;
}

void PatternMatcher::onTransition(const ElementTransition& t, const Emit& emit,
                                  const Remove& remove) {
  updateJoinIndexes(t);
  const std::string& id = t.id();
  if (!plan_.hasOptionalPart()) {
    onTransitionOfOwnSolutions(t, emit, remove);
    return;
  }
  std::unordered_set<std::string> anchors;
  if (plan_.hasOptionalPart())
    anchors = optionalAnchors(t);
  // The element itself is re-derived like an anchor: from its current version in the store.
  anchors.insert(id);
  std::unordered_set<RowKey, core::ValuesHash> stale;
  for (const std::string& anchor : anchors) {
    if (auto it = solutions_by_element_.find(anchor); it != solutions_by_element_.end()) {
      stale.insert(it->second.begin(), it->second.end());
    }
  }
  for (const RowKey& key : stale) {
    forget(key);
    remove(key);
  }
  std::map<RowKey, std::vector<const ElementVersion*>> found;
  for (const std::string& anchor : anchors) {
    if (const ElementVersion* v = store_.find(anchor))
      solveFrom(*v, false, found);
  }
  for (const auto& [key, binding] : found) {
    if (emit(key, binding))
      record(key);
  }
}

void PatternMatcher::onTransitionOfOwnSolutions(const ElementTransition& t, const Emit& emit,
                                                const Remove& remove) {
  // Without an OPTIONAL MATCH, only the solutions that contain the element can change: they
  // are removed, and those of its new version (if it still exists) found and emitted.
  if (auto it = solutions_by_element_.find(t.id()); it != solutions_by_element_.end()) {
    std::vector<RowKey> stale(it->second.begin(), it->second.end());
    for (const RowKey& key : stale) {
      forget(key);
      remove(key);
    }
  }
  if (!t.after)
    return;
  std::map<RowKey, std::vector<const ElementVersion*>> found;
  solveFrom(*t.after, false, found);
  for (const auto& [key, binding] : found) {
    if (emit(key, binding))
      record(key);
  }
}

void PatternMatcher::reevaluate(const RowKey& key, const Emit& emit, const Remove& remove) {
  std::vector<const ElementVersion*> binding(plan_.slot_count);
  for (size_t i = 0; i < key.size() && i < binding.size(); ++i) {
    const std::string& id = key[i].asString();
    if (id.empty())
      continue;
    binding[i] = store_.find(id);
    if (!binding[i])
      return;  // an element is gone: its transition already removed the solution
  }
  bool known = false;
  if (auto it = solutions_by_element_.find(key[0].asString()); it != solutions_by_element_.end()) {
    known = it->second.count(key) > 0;
  }
  bool passed = emit(key, binding);
  if (passed && !known)
    record(key);
  if (!passed && known) {
    forget(key);
    remove(key);
  }
}

void PatternMatcher::bootstrap(const Emit& emit) {
  for (const MatchEdge& edge : plan_.edges) {
    if (!edge.join)
      continue;
    for (const JoinSpec::Key* key : {&edge.from_key, &edge.to_key}) {
      if (const HandleSet* handles = store_.handlesWithLabel(key->label)) {
        for (ElementHandle handle : *handles) {
          // Index sets make this idempotent when two edges share a key.
          const core::Element& e = store_.at(handle)->element;
          indexJoinKeys(e.id, e.labels, e.properties, +1);
        }
      }
    }
  }
  std::map<RowKey, std::vector<const ElementVersion*>> found;
  forEachCandidate(store_, plan_.nodes[0],
                   [&](ElementHandle handle) { solveFrom(*store_.at(handle), true, found); });
  for (const auto& [key, binding] : found) {
    if (emit(key, binding))
      record(key);
  }
}

}  // namespace livedash::engine
