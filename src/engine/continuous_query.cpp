// src/engine/continuous_query.cpp
#include "engine/continuous_query.hpp"

#include "engine/eval/evaluator.hpp"
#include "engine/ops/aggregate_stage.hpp"
#include "engine/ops/project_stage.hpp"
#include "engine/plan/planner.hpp"
#include "query/parser.hpp"

namespace livedash::engine {

ContinuousQuery::ContinuousQuery(QueryDefinition definition)
    : definition_(std::move(definition)),
      plan_(planQuery(query::parseQuery(definition_.text), definition_.parameters,
                      definition_.joins)) {
  for (const ProjectionPlan& p : plan_.projections) {
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
  for (size_t i = 0; i + 1 < stages_.size(); ++i) stages_[i]->setNext(stages_[i + 1].get());
}

ContinuousQuery::~ContinuousQuery() = default;

bool ContinuousQuery::readsAnyLabel(const std::vector<std::string>& labels) const {
  for (const std::string& label : labels) {
    for (const std::string& wanted : plan_.labels) {
      if (label == wanted) return true;
    }
  }
  return false;
}

bool ContinuousQuery::matches(const ElementVersion& version, EvalContext& ctx) const {
  for (const std::string& label : plan_.match.nodes[0].labels) {
    if (!version.element.hasLabel(label)) return false;
  }
  return !plan_.match.predicate || isTrue(evaluate(*plan_.match.predicate, ctx));
}

void ContinuousQuery::pushElement(const ElementVersion* version, const std::string& id,
                                  int64_t now_ms) {
  std::vector<const ElementVersion*> elements{version};
  EvalContext ctx;
  ctx.elements = &elements;
  ctx.parameters = &plan_.parameters;
  ctx.now_ms = now_ms;
  RowKey key{core::Value(id)};
  bool keep = version && matches(*version, ctx);
  stages_.front()->push(key, keep ? &ctx : nullptr);
  touched_ = true;
}

bool ContinuousQuery::pushSolution(const RowKey& key,
                                   const std::vector<const ElementVersion*>& binding,
                                   int64_t now_ms) {
  EvalContext ctx;
  ctx.elements = &binding;
  ctx.parameters = &plan_.parameters;
  ctx.now_ms = now_ms;
  if (plan_.match.predicate && !isTrue(evaluate(*plan_.match.predicate, ctx))) return false;
  stages_.front()->push(key, &ctx);
  touched_ = true;
  return true;
}

void ContinuousQuery::bootstrap(const ElementStore& store, int64_t now_ms) {
  if (!singleNode()) {
    matcher_ = std::make_unique<PatternMatcher>(plan_.match, store);
    matcher_->bootstrap([&](const RowKey& key, const std::vector<const ElementVersion*>& b) {
      return pushSolution(key, b, now_ms);
    });
  } else if (const auto* ids = store.idsWithLabel(plan_.match.nodes[0].labels[0])) {
    for (const std::string& id : *ids) {
      ElementVersionConstSharedPtr version = store.find(id);
      pushElement(version.get(), id, now_ms);
    }
  }
  stages_.front()->flush(now_ms);
  QueryDiff discarded;
  result_->takeDiff(discarded);
  touched_ = false;
}

void ContinuousQuery::onTransition(const ElementTransition& t, int64_t now_ms) {
  if (matcher_) {
    matcher_->onTransition(
        t,
        [&](const RowKey& key, const std::vector<const ElementVersion*>& b) {
          return pushSolution(key, b, now_ms);
        },
        [&](const RowKey& key) {
          stages_.front()->push(key, nullptr);
          touched_ = true;
        });
    return;
  }
  const ElementVersion* after = t.after.get();
  const std::string& id = after ? after->element.id : t.before->element.id;
  pushElement(after, id, now_ms);
}

std::optional<QueryDiff> ContinuousQuery::endTransaction(int64_t now_ms,
                                                         int64_t commit_time_ms) {
  if (!touched_) return std::nullopt;
  touched_ = false;
  stages_.front()->flush(now_ms);
  QueryDiff diff;
  result_->takeDiff(diff);
  if (diff.empty()) return std::nullopt;
  diff.query_id = definition_.id;
  diff.sequence = ++sequence_;
  diff.timestamp_ms = commit_time_ms;
  diff.columns = plan_.columns;
  return diff;
}

QuerySnapshot ContinuousQuery::snapshot() const {
  QuerySnapshot s;
  s.sequence = sequence_;
  s.columns = plan_.columns;
  s.rows = result_->visibleRows();
  return s;
}

}  // namespace livedash::engine
