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
  ContinuousQuery* raw = query.get();
  query->setScheduler(
      [this, raw](int64_t due_ms, const RowKey& key) { futures_.schedule(raw, key, due_ms); },
      [this, raw](const RowKey& key) { futures_.cancel(raw, key); });
  query->bootstrap(store_, clock_.nowMs());
  std::string id = query->id();
  queries_.emplace(std::move(id), std::move(query));
}

bool Engine::removeQuery(const std::string& id) {
  auto it = queries_.find(id);
  if (it == queries_.end())
    return false;
  futures_.cancelAll(it->second.get());
  queries_.erase(it);
  return true;
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

namespace {

//! Walks the changes of a backlog a fixed number of places ahead of the one being applied.
class ChangeCursor {
 public:
  ChangeCursor(std::span<const core::ChangeBatch> batches, size_t ahead) : batches_(batches) {
    for (size_t i = 0; i < ahead && next(); ++i) {
    }
  }
  //! The next change, or null past the end.
  const core::Change* next() {
    while (batch_ < batches_.size()) {
      const std::vector<core::Change>& changes = batches_[batch_].changes;
      if (change_ < changes.size())
        return &changes[change_++];
      ++batch_;
      change_ = 0;
    }
    return nullptr;
  }

 private:
  std::span<const core::ChangeBatch> batches_;
  size_t batch_ = 0;
  size_t change_ = 0;
};

}  // namespace

//! Three cursors, each a step of loading a change's element closer to it: the id index slot,
//! then the version and the queries' state for its handle, then its property buffer. Each step
//! reads what the one before loaded, so none of them waits for memory.
class Engine::Lookahead {
 public:
  // In changes: each step is about a few hundred nanoseconds of work after the one before,
  // longer than a cache miss on this kind of machine.
  static constexpr size_t kSlot = 6;
  static constexpr size_t kVersion = 3;
  static constexpr size_t kProperties = 1;

  Lookahead(std::span<const core::ChangeBatch> batches)
      : slot_(batches, kSlot), version_(batches, kVersion), properties_(batches, kProperties) {}

  //! Called before each change is applied.
  void step(const ElementStore& store, const std::map<std::string, ContinuousQueryPtr>& queries) {
    if (const core::Change* c = slot_.next())
      store.prefetchSlot(c->element.id);
    if (const core::Change* c = version_.next()) {
      ElementHandle handle = store.prefetchVersion(c->element.id);
      if (handle != IdIndex::kNoHandle) {
        for (const auto& [id, query] : queries)
          query->prefetch(handle);
      }
    }
    if (const core::Change* c = properties_.next())
      store.prefetchProperties(c->element.id);
  }

 private:
  ChangeCursor slot_, version_, properties_;
};

void Engine::apply(const core::ChangeBatch& batch) {
  apply(std::span<const core::ChangeBatch>(&batch, 1));
}

void Engine::apply(std::span<const core::ChangeBatch> batches) {
  Lookahead ahead(batches);
  for (const core::ChangeBatch& batch : batches)
    applyTransaction(batch, ahead);
}

void Engine::applyTransaction(const core::ChangeBatch& batch, Lookahead& ahead) {
  int64_t now = clock_.nowMs();
  // Borrowed for the transaction (a sink may start another one), and given back after.
  std::vector<ContinuousQuery*> touched;
  touched.swap(touched_);
  for (const core::DroppedProperty& dropped : batch.dropped_properties)
    failQueriesReading(dropped);
  for (const core::Change& change : batch.changes) {
    ahead.step(store_, queries_);
    if (change.op == core::ChangeOp::Truncate) {
      applyTruncate(change, now, batch.commit_time_ms, touched);
      continue;
    }
    applyChange(change, now, batch.commit_time_ms, touched);
  }
  store_.releaseDeletedHandles();
  endTransactions(touched, now, batch.commit_time_ms);
  touched.clear();
  touched_.swap(touched);
}

void Engine::applyChange(const core::Change& change, int64_t now, int64_t commit_time_ms,
                         std::vector<ContinuousQuery*>& touched) {
  ElementStore::Located at = store_.locate(change);
  if (at.found()) {
    // The queries' state for the element loads while the store merges the change.
    for (auto& [id, query] : queries_)
      query->prefetch(at.handle());
  }
  const ElementTransition& t = store_.apply(change, at, commit_time_ms);
  if (t.kind == ElementTransition::Kind::None) {
    return;
  }
  for (auto& [id, query] : queries_) {
    bool reads = (t.existedBefore() && query->readsAnyLabel(t.beforeLabels())) ||
                 (t.after && query->readsAnyLabel(t.after->element.labels));
    if (!reads || !query->affectedBy(t)) {
      continue;
    }
    query->onTransition(t, now, commit_time_ms);
    markTouched(touched, query.get());
  }
}

void Engine::failQueriesReading(const core::DroppedProperty& dropped) {
  for (auto& [id, query] : queries_) {
    if (query->error() || !query->readsProperty(dropped.label, dropped.property))
      continue;
    query->fail(
        fmt::format("column `{}` of `{}` was dropped, and this query reads it; fix the "
                    "query or the table, then restart",
                    dropped.property, dropped.label));
  }
}

void Engine::applyTruncate(const core::Change& truncate, int64_t now, int64_t commit_time_ms,
                           std::vector<ContinuousQuery*>& touched) {
  if (truncate.element.labels.empty()) {
    return;
  }
  const HandleSet* handles = store_.handlesWithLabel(truncate.element.labels[0]);
  if (!handles) {
    return;
  }
  // Deleting changes the set being walked, so the ids are copied first.
  std::vector<std::string> doomed;
  doomed.reserve(handles->size());
  for (ElementHandle handle : *handles)
    doomed.push_back(store_.at(handle)->element.id);
  for (std::string& id : doomed) {
    core::Change del;
    del.op = core::ChangeOp::Delete;
    del.element.id = std::move(id);
    applyChange(del, now, commit_time_ms, touched);
  }
}

void Engine::fireDueFutures() {
  int64_t now = clock_.nowMs();
  std::vector<ContinuousQuery*> touched;
  for (const FutureKey& item : futures_.takeDue(now)) {
    item.query->reevaluate(item.key, now);
    markTouched(touched, item.query);
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
    const QueryDiff* diff = query->endTransaction(now_ms, commit_time_ms);
    if (diff && sink_) {
      sink_->onDiff(*diff);
    }
  }
}

}  // namespace livedash::engine
