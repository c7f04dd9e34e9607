// src/app/runtime_registry.cpp
#include "app/runtime_registry.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "app/engine_node.hpp"
#include "app/http_options.hpp"
#include "app/query_check.hpp"
#include "app/query_definition.hpp"
#include "app/source_factory.hpp"
#include "app/sse_reaction_factory.hpp"
#include "app/webhook_factory.hpp"
#include "config/config_error.hpp"
#include "reactions/log/log_reaction.hpp"
#include "reactions/sse/sse_reaction.hpp"

namespace livedash::app {

struct RuntimeRegistry::SourceEntry {
  config::SourceConfig config;
  //! Kept across stops: it owns the store (an in-memory one would lose its rows).
  std::shared_ptr<sources::EmbeddedSource> embedded;
  //! The source that runs or last ran; a postgres source gets a new one at each start.
  std::shared_ptr<sources::Source> source;
  std::unique_ptr<RestartingSink> sink;
  bool running = false;
  bool started_before = false;

  SourceView view() const { return SourceView{config, running, source}; }
};

struct RuntimeRegistry::QueryEntry {
  config::QueryConfig config;
  bool running = false;
  //! The last sequence the query published before it stopped (0: it never ran).
  uint64_t last_sequence = 0;

  QueryView view() const { return QueryView{config, running}; }
};

struct RuntimeRegistry::ReactionEntry {
  config::ReactionConfig config;
  std::shared_ptr<reactions::Reaction> reaction;
  std::shared_ptr<reactions::WebhookReaction> webhook;
  std::unique_ptr<server::HttpServer> own_server;
  std::vector<server::SseStreamSharedPtr> streams;
  bool running = false;

  ReactionView view() const {
    return ReactionView{config, running, streams, own_server ? own_server->port() : uint16_t{0},
                        webhook};
  }
};

namespace {

std::map<std::string, reactions::LogTemplates> logRoutes(const config::LogReactionConfig& c) {
  std::map<std::string, reactions::LogTemplates> out;
  for (const auto& [query, routes] : c.routes) {
    reactions::LogTemplates t;
    if (routes.added)
      t.added = routes.added->template_text;
    if (routes.updated)
      t.updated = routes.updated->template_text;
    if (routes.deleted)
      t.deleted = routes.deleted->template_text;
    out.emplace(query, std::move(t));
  }
  return out;
}

core::Error conflict(std::string_view what, const std::string& id) {
  return core::Error(core::ErrorCode::Conflict, fmt::format("a {} `{}` already exists", what, id),
                     std::nullopt, fmt::format("delete it first, or choose another id"));
}

//! "public.orders" → "orders": the label a table's rows carry.
std::string tableLabel(const std::string& table) {
  size_t dot = table.rfind('.');
  return dot == std::string::npos ? table : table.substr(dot + 1);
}

//! The entry `id`, or `code` ("no <what> `id`").
template <class Map>
auto& entryIn(Map& map, const std::string& id, core::ErrorCode code, std::string_view what) {
  auto it = map.find(id);
  if (it == map.end())
    throw core::Error(code, fmt::format("no {} `{}`", what, id));
  return *it->second;
}

}  // namespace

RuntimeRegistry::RuntimeRegistry(RegistryContext context) : ctx_(context) {}

RuntimeRegistry::~RuntimeRegistry() {
  for (auto& [id, entry] : sources_) {
    if (entry->source)
      entry->source->stop();
  }
  for (auto& [id, entry] : reactions_) {
    if (entry->own_server)
      entry->own_server->stop();
  }
}

// ---------------------------------------------------------------------------------- sources

RuntimeRegistry::SourceEntry& RuntimeRegistry::sourceEntry(const std::string& id) {
  std::lock_guard lock(mutex_);
  return entryIn(sources_, id, core::ErrorCode::SourceNotFound, "source");
}

void RuntimeRegistry::addSource(config::SourceConfig config) {
  std::lock_guard op(operation_mutex_);
  auto entry = std::make_unique<SourceEntry>();
  entry->config = std::move(config);
  const std::string id = entry->config.id;
  if (const config::EmbeddedSourceConfig* e = entry->config.embedded()) {
    sources::EmbeddedSourceOptions o;
    o.id = id;
    o.path = e->path;
    o.schema_files = e->schema_files;
    entry->embedded = std::make_shared<sources::EmbeddedSource>(std::move(o));
    entry->source = entry->embedded;
  }
  entry->sink = std::make_unique<RestartingSink>(ctx_.engine);
  SourceEntry* raw = entry.get();
  {
    std::lock_guard lock(mutex_);
    if (sources_.count(id))
      throw conflict("source", id);
    sources_.emplace(id, std::move(entry));
  }
  if (!raw->config.auto_start)
    return;
  try {
    startSourceLocked(*raw);
  } catch (...) {
    // A source that cannot start is not half created.
    std::lock_guard lock(mutex_);
    sources_.erase(id);
    throw;
  }
}

void RuntimeRegistry::startSource(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  startSourceLocked(sourceEntry(id));
}

void RuntimeRegistry::startSourceLocked(SourceEntry& entry) {
  if (entry.running)
    return;
  if (entry.started_before)
    entry.sink->replaceOnNextBootstrap(exclusiveLabelsOf(entry));
  std::shared_ptr<sources::Source> source = entry.source;
  if (!entry.embedded) {
    // A fresh connection, as at startup: it resumes from the slot and bootstraps again.
    source = makePostgresSource(entry.config, ctx_.clock);
    std::lock_guard lock(mutex_);
    entry.source = source;
  }
  source->start(*entry.sink);
  std::lock_guard lock(mutex_);
  entry.running = true;
  entry.started_before = true;
}

void RuntimeRegistry::stopSource(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  SourceEntry& entry = sourceEntry(id);
  if (!entry.running)
    return;
  entry.source->stop();
  std::lock_guard lock(mutex_);
  entry.running = false;
}

void RuntimeRegistry::deleteSource(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  SourceEntry& entry = sourceEntry(id);
  std::vector<std::string> users;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [query_id, q] : queries_) {
      for (const config::QuerySourceConfig& s : q->config.sources) {
        if (s.source_id == id)
          users.push_back(query_id);
      }
    }
  }
  if (!users.empty()) {
    throw core::Error(core::ErrorCode::Conflict,
                      fmt::format("source `{}` is used by {} {}", id,
                                  users.size() == 1 ? "query" : "queries", fmt::join(users, ", ")),
                      std::nullopt, "delete those queries first");
  }
  if (entry.running)
    entry.source->stop();
  // No query reads its rows any more; they would only hold memory in the engine.
  if (entry.started_before)
    ctx_.engine.onBatch(truncateBatch(id, exclusiveLabelsOf(entry), ctx_.clock.nowMs()));
  std::unique_ptr<SourceEntry> doomed;
  {
    std::lock_guard lock(mutex_);
    auto it = sources_.find(id);
    doomed = std::move(it->second);
    sources_.erase(it);
  }
  spdlog::info("source `{}` deleted", id);
}

std::vector<std::string> RuntimeRegistry::labelsOf(const SourceEntry& entry) const {
  std::vector<std::string> labels;
  if (entry.embedded) {
    for (const sources::TableInfo& t : entry.embedded->tables())
      labels.push_back(t.name);
  } else if (const config::PostgresSourceConfig* pg = entry.config.postgres()) {
    for (const std::string& table : pg->tables)
      labels.push_back(tableLabel(table));
  }
  return labels;
}

std::vector<std::string> RuntimeRegistry::exclusiveLabelsOf(const SourceEntry& entry) const {
  std::vector<std::string> labels = labelsOf(entry);
  std::vector<const SourceEntry*> others;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, other] : sources_) {
      if (other.get() != &entry)
        others.push_back(other.get());
    }
  }
  // Entries are only removed under the operation mutex, which the caller holds.
  for (const SourceEntry* other : others) {
    for (const std::string& label : labelsOf(*other))
      std::erase(labels, label);
  }
  return labels;
}

// ---------------------------------------------------------------------------------- queries

RuntimeRegistry::QueryEntry& RuntimeRegistry::queryEntry(const std::string& id) {
  std::lock_guard lock(mutex_);
  return entryIn(queries_, id, core::ErrorCode::QueryNotFound, "query");
}

void RuntimeRegistry::addQuery(config::QueryConfig config) {
  std::lock_guard op(operation_mutex_);
  if (std::optional<core::Diagnostic> problem = checkQuery(config))
    throw config::ConfigError({std::move(*problem)});
  auto entry = std::make_unique<QueryEntry>();
  entry->config = std::move(config);
  const std::string id = entry->config.id;
  QueryEntry* raw = entry.get();
  {
    std::lock_guard lock(mutex_);
    if (queries_.count(id))
      throw conflict("query", id);
    auto retired = retired_sequences_.find(id);
    if (retired != retired_sequences_.end()) {
      entry->last_sequence = retired->second;
      retired_sequences_.erase(retired);
    }
    queries_.emplace(id, std::move(entry));
  }
  if (raw->config.auto_start)
    startQueryLocked(*raw);
}

void RuntimeRegistry::startQuery(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  startQueryLocked(queryEntry(id));
}

void RuntimeRegistry::startQueryLocked(QueryEntry& entry) {
  if (entry.running)
    return;
  const std::string& id = entry.config.id;
  uint64_t* slot = ctx_.sequences ? ctx_.sequences->slot("query:" + id) : nullptr;
  uint64_t first = std::max(entry.last_sequence, slot ? *slot : 0);
  if (ctx_.engine_node)
    first = std::max(first, ctx_.engine_node->lastSequenceOf(id));
  // A restart is not a continuation: the bootstrap rebuilds the result from scratch, so the
  // numbering jumps, and a client holding an older number knows to reload the snapshot.
  if (first > 0)
    first += SequenceStore::kRestartGap;
  if (slot)
    *slot = first;
  engine::QueryDefinition definition = toDefinition(entry.config);
  definition.initial_sequence = first;
  ctx_.engine.call([&](engine::Engine& e) {
    ctx_.ws_feed.forgetQuery(id);
    if (ctx_.engine_node)
      ctx_.engine_node->queryStarted(id);
    e.addQuery(std::move(definition));
    ctx_.engine.setSequenceSlot(id, slot);
    return 0;
  });
  std::lock_guard lock(mutex_);
  entry.running = true;
}

void RuntimeRegistry::stopQuery(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  stopQueryLocked(queryEntry(id));
}

void RuntimeRegistry::stopQueryLocked(QueryEntry& entry) {
  if (!entry.running)
    return;
  const std::string& id = entry.config.id;
  uint64_t last = ctx_.engine.call([&](engine::Engine& e) {
    const engine::ContinuousQuery* q = e.findQuery(id);
    uint64_t sequence = q ? q->sequence() : 0;
    e.removeQuery(id);
    if (ctx_.engine_node)
      ctx_.engine_node->queryStopped(id);
    ctx_.engine.setSequenceSlot(id, nullptr);
    ctx_.ws_feed.forgetQuery(id);
    return sequence;
  });
  std::lock_guard lock(mutex_);
  entry.running = false;
  entry.last_sequence = std::max(entry.last_sequence, last);
}

void RuntimeRegistry::deleteQuery(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  QueryEntry& entry = queryEntry(id);
  stopQueryLocked(entry);
  std::lock_guard lock(mutex_);
  retired_sequences_[id] = entry.last_sequence;
  queries_.erase(id);
  spdlog::info("query `{}` deleted", id);
}

// ---------------------------------------------------------------------------------- reactions

RuntimeRegistry::ReactionEntry& RuntimeRegistry::reactionEntry(const std::string& id) {
  std::lock_guard lock(mutex_);
  return entryIn(reactions_, id, core::ErrorCode::ReactionNotFound, "reaction");
}

void RuntimeRegistry::buildReaction(ReactionEntry& entry, Origin origin) {
  const config::ReactionConfig& r = entry.config;
  if (const config::SseReactionConfig* sse = r.sse()) {
    server::SseStreamOptions stream = sseStreamOptions(r, *sse);
    server::HttpServer* host = &ctx_.main_server;
    if (sse->port) {
      server::HttpServerOptions http = httpOptions(ctx_.config);
      http.host = sse->host;
      http.port = ctx_.free_reaction_ports ? 0 : *sse->port;
      http.io_threads = 1;
      http.cors_origins = sse->cors_origins;
      entry.own_server = std::make_unique<server::HttpServer>(http);
      host = entry.own_server.get();
    } else if (origin == Origin::Api) {
      throw core::Error(
          core::ErrorCode::BadRequest,
          fmt::format("SSE reaction `{}` needs its own `port` when created at run time", r.id),
          std::nullopt, "the main port's streams are fixed once it listens; `port: 0` picks one");
    }
    entry.reaction = makeSseReaction(r, *sse, *host, stream, ctx_.sequences, entry.streams);
    if (entry.own_server)
      entry.own_server->start();
  } else if (const config::LogReactionConfig* log = r.log()) {
    entry.reaction = std::make_shared<reactions::LogReaction>(
        r.id, r.queries, logRoutes(*log), log->default_template,
        [](const std::string& line) { spdlog::info("{}", line); });
  } else if (const config::HttpReactionConfig* http = r.http()) {
    entry.webhook = makeWebhookReaction(r, *http);
    entry.reaction = entry.webhook;
  }
}

void RuntimeRegistry::addReaction(config::ReactionConfig config, Origin origin) {
  std::lock_guard op(operation_mutex_);
  const std::string id = config.id;
  {
    std::lock_guard lock(mutex_);
    if (reactions_.count(id))
      throw conflict("reaction", id);
  }
  auto entry = std::make_unique<ReactionEntry>();
  entry->config = std::move(config);
  buildReaction(*entry, origin);
  ReactionEntry* raw = entry.get();
  {
    std::lock_guard lock(mutex_);
    reactions_.emplace(id, std::move(entry));
  }
  if (raw->config.auto_start) {
    ctx_.engine.addReaction(raw->reaction.get());
    std::lock_guard lock(mutex_);
    raw->running = true;
  }
}

void RuntimeRegistry::startReaction(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  ReactionEntry& entry = reactionEntry(id);
  if (entry.running)
    return;
  ctx_.engine.addReaction(entry.reaction.get());
  std::lock_guard lock(mutex_);
  entry.running = true;
}

void RuntimeRegistry::stopReaction(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  ReactionEntry& entry = reactionEntry(id);
  if (!entry.running)
    return;
  ctx_.engine.removeReaction(entry.reaction.get());
  std::lock_guard lock(mutex_);
  entry.running = false;
}

void RuntimeRegistry::deleteReaction(const std::string& id) {
  std::lock_guard op(operation_mutex_);
  ReactionEntry& entry = reactionEntry(id);
  if (entry.running)
    ctx_.engine.removeReaction(entry.reaction.get());
  if (entry.own_server)
    entry.own_server->stop();
  std::unique_ptr<ReactionEntry> doomed;
  {
    std::lock_guard lock(mutex_);
    auto it = reactions_.find(id);
    doomed = std::move(it->second);
    reactions_.erase(it);
  }
  spdlog::info("reaction `{}` deleted", id);
}

// ---------------------------------------------------------------------------------- readers

namespace {

template <class Entries>
auto viewsOf(const Entries& entries) {
  std::vector<decltype(entries.begin()->second->view())> out;
  for (const auto& [id, entry] : entries)
    out.push_back(entry->view());
  return out;
}

template <class Entries>
auto viewIn(const Entries& entries, const std::string& id) {
  auto it = entries.find(id);
  using View = decltype(it->second->view());
  return it == entries.end() ? std::optional<View>() : std::optional<View>(it->second->view());
}

}  // namespace

std::vector<SourceView> RuntimeRegistry::sources() const {
  std::lock_guard lock(mutex_);
  return viewsOf(sources_);
}

std::vector<QueryView> RuntimeRegistry::queries() const {
  std::lock_guard lock(mutex_);
  return viewsOf(queries_);
}

std::vector<ReactionView> RuntimeRegistry::reactions() const {
  std::lock_guard lock(mutex_);
  return viewsOf(reactions_);
}

std::optional<SourceView> RuntimeRegistry::source(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return viewIn(sources_, id);
}

std::optional<QueryView> RuntimeRegistry::query(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return viewIn(queries_, id);
}

std::optional<ReactionView> RuntimeRegistry::reaction(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return viewIn(reactions_, id);
}

std::shared_ptr<sources::EmbeddedSource> RuntimeRegistry::embedded(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(id);
  return it == sources_.end() ? nullptr : it->second->embedded;
}

config::KnownIds RuntimeRegistry::knownIds() const {
  std::lock_guard lock(mutex_);
  config::KnownIds ids;
  for (const auto& [id, e] : sources_)
    ids.sources.push_back(id);
  for (const auto& [id, e] : queries_)
    ids.queries.push_back(id);
  return ids;
}

}  // namespace livedash::app
