// src/engine/continuous_query.cpp
#include "engine/continuous_query.hpp"

#include "engine/eval/evaluator.hpp"
#include "engine/ops/aggregate_stage.hpp"
#include "engine/ops/project_stage.hpp"
#include "engine/plan/planner.hpp"
#include "query/parser.hpp"

namespace livedash::engine {

namespace {

//! Whether `p` hands on its input row as it is: `WITH a, b, c RETURN a, b, c`. Such a stage
//! would only copy every row, so none is made.
bool passesRowThrough(const ProjectionPlan& p, const ProjectionPlan& input) {
  size_t input_width = input.aggregating ? input.is_group_column.size() : input.items.size();
  if (p.aggregating || p.having || p.items.size() != input_width)
    return false;
  for (size_t i = 0; i < p.items.size(); ++i) {
    if (p.items[i].kind != BoundKind::Column || p.items[i].slot != static_cast<int>(i))
      return false;
  }
  return true;
}

}  // namespace

ContinuousQuery::ContinuousQuery(QueryDefinition definition)
    : definition_(std::move(definition)),
      plan_(planQuery(query::parseQuery(definition_.text), definition_.parameters,
                      definition_.joins)),
      reads_(propertyReadsOf(plan_)),
      sequence_(definition_.initial_sequence) {
  diff_.query_id = definition_.id;
  diff_.columns = plan_.columns;
  for (size_t i = 0; i < plan_.projections.size(); ++i) {
    const ProjectionPlan& p = plan_.projections[i];
    if (i > 0 && passesRowThrough(p, plan_.projections[i - 1]))
      continue;
    if (p.aggregating) {
      stages_.push_back(std::make_unique<AggregateStage>(p));
    } else {
      stages_.push_back(std::make_unique<ProjectStage>(p));
    }
  }
  const ProjectionPlan& last = plan_.projections.back();
  auto result = std::make_unique<ResultStage>(last.columns.size(), plan_.top_n);
  result_ = result.get();
  stages_.push_back(std::move(result));
  for (size_t i = 0; i + 1 < stages_.size(); ++i)
    stages_[i]->setNext(stages_[i + 1].get());
  if (plan_.match.predicate)
    scanTemporalCalls(*plan_.match.predicate);
  // The first projection is evaluated per solution too (aggregate arguments included).
  const ProjectionPlan& first = plan_.projections.front();
  for (const BoundExpr& item : first.items)
    scanTemporalCalls(item);
  for (const AggregateSpec& spec : first.aggregates) {
    if (spec.argument)
      scanTemporalCalls(*spec.argument);
  }
}

void ContinuousQuery::scanTemporalCalls(const BoundExpr& e) {
  if (e.kind == BoundKind::Call && e.fn && e.fn->needs_temporal_scope) {
    if (e.fn->in_first_projection)
      previous_value_calls_.push_back(&e);
    else
      uses_time_ = true;
  }
  for (const BoundExpr& child : e.children)
    scanTemporalCalls(child);
}

ContinuousQuery::~ContinuousQuery() = default;

bool ContinuousQuery::readsAnyLabel(const core::Labels& labels) const {
  if (error_)
    return false;
  for (const std::string& label : labels) {
    for (const std::string& wanted : plan_.labels) {
      if (label == wanted)
        return true;
    }
  }
  return false;
}

bool ContinuousQuery::affectedBy(const ElementTransition& t) const {
  if (t.shapeChanged() || reads_.all)
    return true;
  for (const ChangedProperty& c : *t.changed) {
    if (reads_.reads(c.key))
      return true;
  }
  return false;
}

bool ContinuousQuery::pushSolution(const RowKey& key, RowSlot slot,
                                   const std::vector<const ElementVersion*>& binding,
                                   int64_t now_ms, int64_t change_time_ms) {
  EvalContext ctx;
  ctx.elements = &binding;
  ctx.parameters = &plan_.parameters;
  ctx.now_ms = now_ms;
  TemporalScope scope;
  scope.key = &key;
  scope.change_time_ms = change_time_ms;
  scope.markers = &markers_;
  scope.previous = &previous_;
  scope.transaction = transactions_;
  scope.data_change = !reevaluating_;
  scope.schedule = [this, &key](int64_t due_ms) {
    if (schedule_)
      schedule_(due_ms, key);
  };
  ctx.temporal = &scope;
  if (uses_time_ && cancel_)
    cancel_(key);
  // Every change is recorded, even when a short-circuit or a failing WHERE would skip the call:
  // previousValue answers about the change before, whether or not the row showed then.
  if (!reevaluating_) {
    for (const BoundExpr* call : previous_value_calls_)
      evaluate(*call, ctx);
  }
  bool keep = !plan_.match.predicate || isTrue(evaluate(*plan_.match.predicate, ctx));
  touched_ = true;
  if (!keep) {
    // A solution waiting on time keeps its markers; one that simply fails starts afresh later.
    if (!scope.awaiting && markers_.size() > 0)
      markers_.clearAll(key);
    stages_.front()->push(key, slot, nullptr);
    return false;
  }
  stages_.front()->push(key, slot, &ctx);
  return true;
}

void ContinuousQuery::removeSolution(const RowKey& key, RowSlot slot) {
  if (uses_time_ && cancel_)
    cancel_(key);
  if (markers_.size() > 0)
    markers_.clearAll(key);
  if (previous_.size() > 0)
    previous_.clearAll(key);
  stages_.front()->push(key, slot, nullptr);
  touched_ = true;
}

void ContinuousQuery::pushElement(const ElementVersion* version, const std::string& id,
                                  ElementHandle handle, int64_t now_ms, int64_t change_time_ms) {
  // Assigning into the kept key reuses its string's buffer.
  core::Value& key_value = element_key_[0];
  if (key_value.isString() && key_value.asString() != id)
    key_value = core::Value(id);
  else if (!key_value.isString())
    key_value = core::Value(id);
  if (!version || !plan_.match.nodes[0].accepts(version->element)) {
    removeSolution(element_key_, handle);
    return;
  }
  element_binding_[0] = version;
  pushSolution(element_key_, handle, element_binding_, now_ms, change_time_ms);
}

void ContinuousQuery::bootstrap(const ElementStore& store, int64_t now_ms) {
  store_ = &store;
  result_->setTracking(false);
  auto emit = [&](const RowKey& key, const std::vector<const ElementVersion*>& b) {
    return pushSolution(key, kNoSlot, b, now_ms, now_ms);
  };
  if (!singleNode()) {
    PatternMatcher::OptionalFilter filter;
    if (plan_.match.optional_predicate) {
      filter = [this](const std::vector<const ElementVersion*>& binding) {
        EvalContext ctx;
        ctx.elements = &binding;
        ctx.parameters = &plan_.parameters;
        return isTrue(evaluate(*plan_.match.optional_predicate, ctx));
      };
    }
    matcher_ = std::make_unique<PatternMatcher>(plan_.match, store, std::move(filter));
    matcher_->bootstrap(emit);
  } else {
    forEachCandidate(store, plan_.match.nodes[0], [&](ElementHandle handle) {
      const ElementVersion* version = store.at(handle);
      pushElement(version, version->element.id, handle, now_ms, now_ms);
    });
  }
  stages_.front()->flush(now_ms);
  QueryDiff discarded;
  result_->takeDiff(discarded);
  result_->setTracking(true);
  touched_ = false;
  ++transactions_;
}

void ContinuousQuery::prefetch(ElementHandle handle) const {
  // Only a single-node query's first stage is keyed by element handle.
  if (!matcher_ && !error_)
    stages_.front()->prefetch(handle);
}

void ContinuousQuery::onTransition(const ElementTransition& t, int64_t now_ms,
                                   int64_t change_time_ms) {
  if (matcher_) {
    matcher_->onTransition(
        t,
        [&](const RowKey& key, const std::vector<const ElementVersion*>& b) {
          return pushSolution(key, kNoSlot, b, now_ms, change_time_ms);
        },
        [&](const RowKey& key) { removeSolution(key, kNoSlot); });
    return;
  }
  pushElement(t.after, t.id(), t.handle(), now_ms, change_time_ms);
}

void ContinuousQuery::reevaluate(const RowKey& key, int64_t now_ms) {
  reevaluating_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{reevaluating_};
  if (!matcher_) {
    const std::string& id = key[0].asString();
    if (const ElementVersion* version = store_->find(id))
      pushElement(version, id, version->handle, now_ms, now_ms);
    return;
  }
  matcher_->reevaluate(
      key,
      [&](const RowKey& k, const std::vector<const ElementVersion*>& b) {
        return pushSolution(k, kNoSlot, b, now_ms, now_ms);
      },
      [&](const RowKey& k) { removeSolution(k, kNoSlot); });
}

const QueryDiff* ContinuousQuery::endTransaction(int64_t now_ms, int64_t commit_time_ms) {
  ++transactions_;
  if (!touched_)
    return nullptr;
  touched_ = false;
  stages_.front()->flush(now_ms);
  result_->recycle(diff_);
  result_->takeDiff(diff_);
  if (diff_.empty())
    return nullptr;
  diff_.sequence = ++sequence_;
  diff_.timestamp_ms = commit_time_ms;
  return &diff_;
}

namespace {

bool nodeHasLabel(const MatchPlan& match, int slot, std::string_view label) {
  if (slot < 0 || static_cast<size_t>(slot) >= match.nodes.size())
    return false;
  return match.nodes[static_cast<size_t>(slot)].hasLabel(label);
}

bool exprReads(const BoundExpr& e, const MatchPlan& match, std::string_view label,
               std::string_view property) {
  if (e.kind == BoundKind::ElementProperty && e.key == property &&
      nodeHasLabel(match, e.slot, label))
    return true;
  if (e.kind == BoundKind::Property && e.key == property && !e.children.empty() &&
      e.children[0].kind == BoundKind::Element && nodeHasLabel(match, e.children[0].slot, label))
    return true;
  for (const BoundExpr& child : e.children) {
    if (exprReads(child, match, label, property))
      return true;
  }
  return false;
}

}  // namespace

bool ContinuousQuery::readsProperty(std::string_view label, std::string_view property) const {
  const MatchPlan& match = plan_.match;
  for (const auto& predicate : {match.predicate, match.optional_predicate}) {
    if (predicate && exprReads(*predicate, match, label, property))
      return true;
  }
  // Only the first stage reads matched elements; later stages read columns.
  if (!plan_.projections.empty()) {
    const ProjectionPlan& first = plan_.projections.front();
    for (const auto* items : {&first.items, &first.aggregate_items}) {
      for (const BoundExpr& item : *items) {
        if (exprReads(item, match, label, property))
          return true;
      }
    }
    // Aggregate arguments (the o.total of sum(o.total)) read the matched elements too.
    for (const AggregateSpec& spec : first.aggregates) {
      if (spec.argument && exprReads(*spec.argument, match, label, property))
        return true;
    }
  }
  for (const JoinSpec& join : plan_.joins) {
    for (const JoinSpec::Key& key : join.keys) {
      if (key.label == label && key.property == property)
        return true;
    }
  }
  return false;
}

QuerySnapshot ContinuousQuery::snapshot() const {
  QuerySnapshot s;
  s.sequence = sequence_;
  s.columns = plan_.columns;
  s.rows = result_->visibleRows();
  return s;
}

}  // namespace livedash::engine
