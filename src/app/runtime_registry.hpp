// src/app/runtime_registry.hpp
//
// The sources, queries and reactions of a running livedash, by id, and their life cycle: create,
// start, stop, delete. The config file's entries go through here at startup, and the operations
// API's at run time, so both get the same wiring. Engine state only changes on the engine thread
// (EngineThread::call).
//
// Threading: lifecycle calls come from IO threads (and startup) and are serialised by one mutex
// held for the whole operation. The maps are guarded by a second mutex, held briefly, so that
// readers (lists, /health, /metrics, the row API) never wait for a slow operation such as a
// PostgreSQL connect. Components are shared_ptrs: a reader keeps the one it got alive even if it
// is deleted meanwhile.
//
// Rules (docs/operations-api.md):
// - a query or reaction may only name sources and queries that exist;
// - a source that any query names (running or stopped) cannot be deleted (Conflict);
// - deleting or stopping a query leaves reactions that name it in place: they receive nothing
//   for it until a query with that id runs again;
// - a source started again bootstraps afresh and replaces the rows it had delivered (those of
//   tables no other source publishes); a deleted source's rows leave the engine likewise;
// - a query started again bootstraps afresh, and its sequence jumps past the last one it
//   published (never back), so a client holding an older number reloads the snapshot;
// - an SSE reaction created at run time needs its own `port` (the main listener's streams are
//   fixed once it runs).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/engine_thread.hpp"
#include "app/restarting_sink.hpp"
#include "app/sequence_store.hpp"
#include "app/ws_feed.hpp"
#include "config/entry_loader.hpp"
#include "config/server_config.hpp"
#include "reactions/reaction.hpp"
#include "reactions/webhook/webhook_reaction.hpp"
#include "server/http_server.hpp"
#include "sources/embedded/embedded_source.hpp"

namespace livedash::app {

class EngineNode;

struct RegistryContext {
  EngineThread& engine;
  WsFeed& ws_feed;
  //! Hosts the streams of SSE reactions without their own port (config file only).
  server::HttpServer& main_server;
  //! Security and limits for the listeners of SSE reactions.
  const config::ServerConfig& config;
  const core::Clock& clock;
  //! Null without a `state_dir`.
  SequenceStore* sequences;
  //! Own listeners of SSE reactions bind a free port instead of the configured one (tests).
  bool free_reaction_ports = false;
  //! `--role engine`: publishes the queries that start here, and knows each one's last sequence
  //! in JetStream, which its numbering continues past. Null otherwise.
  EngineNode* engine_node = nullptr;
};

//! Where an entry came from: the config file may put SSE streams on the main port.
enum class Origin : uint8_t { ConfigFile, Api };

struct SourceView {
  config::SourceConfig config;
  bool running = false;
  std::shared_ptr<sources::Source> source;  //!< null before the first start of a postgres source
};

struct QueryView {
  config::QueryConfig config;
  bool running = false;
};

struct ReactionView {
  config::ReactionConfig config;
  bool running = false;
  //! SSE reactions: their streams (`sse_path` first, then the paths of its routes), and the
  //! port of their own listener (0: the main port).
  std::vector<server::SseStreamSharedPtr> streams;
  uint16_t own_port = 0;
  //! Webhook reactions.
  std::shared_ptr<const reactions::WebhookReaction> webhook;
};

class RuntimeRegistry {
 public:
  explicit RuntimeRegistry(RegistryContext context);
  //! Stops every source and reaction listener. The engine thread must be stopped first.
  ~RuntimeRegistry();
  RuntimeRegistry(const RuntimeRegistry&) = delete;
  RuntimeRegistry& operator=(const RuntimeRegistry&) = delete;

  //! Each throws core::Error: Conflict for a taken id, *NotFound for an unknown one, ConfigError
  //! for an invalid query. add* starts the entry when its `auto_start` says so. start and stop
  //! are idempotent.
  void addSource(config::SourceConfig config);
  void startSource(const std::string& id);
  void stopSource(const std::string& id);
  void deleteSource(const std::string& id);

  void addQuery(config::QueryConfig config);
  void startQuery(const std::string& id);
  void stopQuery(const std::string& id);
  void deleteQuery(const std::string& id);

  void addReaction(config::ReactionConfig config, Origin origin);
  void startReaction(const std::string& id);
  void stopReaction(const std::string& id);
  void deleteReaction(const std::string& id);

  // Readers: snapshots, safe from any thread.
  std::vector<SourceView> sources() const;
  std::vector<QueryView> queries() const;
  std::vector<ReactionView> reactions() const;
  std::optional<SourceView> source(const std::string& id) const;
  std::optional<QueryView> query(const std::string& id) const;
  std::optional<ReactionView> reaction(const std::string& id) const;
  //! Null when `id` is not an embedded source.
  std::shared_ptr<sources::EmbeddedSource> embedded(const std::string& id) const;
  //! What a new query or reaction may refer to.
  config::KnownIds knownIds() const;

 private:
  struct SourceEntry;
  struct QueryEntry;
  struct ReactionEntry;

  SourceEntry& sourceEntry(const std::string& id);
  QueryEntry& queryEntry(const std::string& id);
  ReactionEntry& reactionEntry(const std::string& id);
  void startSourceLocked(SourceEntry& entry);
  void startQueryLocked(QueryEntry& entry);
  void stopQueryLocked(QueryEntry& entry);
  void buildReaction(ReactionEntry& entry, Origin origin);
  //! The labels a source's rows carry (its tables), for emptying them from the engine.
  std::vector<std::string> labelsOf(const SourceEntry& entry) const;
  //! labelsOf, less those another source publishes too: the engine holds one graph, so rows
  //! with a shared label cannot be told apart by source, and are left alone.
  std::vector<std::string> exclusiveLabelsOf(const SourceEntry& entry) const;

  RegistryContext ctx_;
  //! Held for a whole lifecycle operation.
  std::mutex operation_mutex_;
  //! Guards the maps and the entries' `running` flags.
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<SourceEntry>> sources_;
  std::map<std::string, std::unique_ptr<QueryEntry>> queries_;
  std::map<std::string, std::unique_ptr<ReactionEntry>> reactions_;
  //! The last sequence of each deleted query, so that one created again with its id continues
  //! after it.
  std::map<std::string, uint64_t> retired_sequences_;
};

}  // namespace livedash::app
