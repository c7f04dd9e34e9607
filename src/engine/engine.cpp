// src/engine/engine.cpp
#include "engine/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace livedash::engine {

void Engine::addQuery(QueryDefinition definition) {
  if (queries_.count(definition.id)) {
    throw core::Error(core::ErrorCode::Conflict,
                      fmt::format("a query with id `{}` already exists", definition.id));
  }
  auto query = std::make_unique<ContinuousQuery>(std::move(definition));
  query->setScheduler([this, id = query->id()](int64_t due_ms, const RowKey& key) {
    futures_.add(FutureItem{due_ms, id, key});
  });
  query->bootstrap(store_, clock_.nowMs());
  std::string id = query->id();
  queries_.emplace(std::move(id), std::move(query));
}

bool Engine::removeQuery(const std::string& id) {
  return queries_.erase(id) > 0;
}

const ContinuousQuery* Engine::findQuery(const std::string& id) const {
  auto it = queries_.find(id);
  return it == queries_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Engine::queryIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, q] : queries_)
    ids.push_back(id);
  return ids;
}

void Engine::apply(const core::ChangeBatch& batch) {
  int64_t now = clock_.nowMs();
  std::vector<ContinuousQuery*> touched;
  for (const core::Change& change : batch.changes) {
    ElementTransition t = store_.apply(change, batch.commit_time_ms);
    if (!t.before && !t.after) {
      continue;
    }
    for (auto& [id, query] : queries_) {
      bool reads = (t.before && query->readsAnyLabel(t.before->element.labels)) ||
                   (t.after && query->readsAnyLabel(t.after->element.labels));
      if (!reads) {
        continue;
      }
      query->onTransition(t, now, batch.commit_time_ms);
      markTouched(touched, query.get());
    }
  }
  endTransactions(touched, now, batch.commit_time_ms);
}

void Engine::fireDueFutures() {
  int64_t now = clock_.nowMs();
  std::vector<ContinuousQuery*> touched;
  for (const FutureItem& item : futures_.takeDue(now)) {
    auto it = queries_.find(item.query_id);
    if (it == queries_.end()) {
      continue;
    }
    it->second->reevaluate(item.key, now);
    markTouched(touched, it->second.get());
  }
  endTransactions(touched, now, now);
}

void Engine::markTouched(std::vector<ContinuousQuery*>& touched, ContinuousQuery* query) {
  if (std::find(touched.begin(), touched.end(), query) == touched.end()) {
    touched.push_back(query);
  }
}

void Engine::endTransactions(const std::vector<ContinuousQuery*>& touched, int64_t now_ms,
                             int64_t commit_time_ms) {
  for (ContinuousQuery* query : touched) {
    std::optional<QueryDiff> diff = query->endTransaction(now_ms, commit_time_ms);
    if (diff && sink_) {
      sink_->onDiff(*diff);
    }
  }
}

}  // namespace livedash::engine
