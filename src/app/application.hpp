// src/app/application.hpp
//
// One running livedash: the engine thread, the sources, the reactions and the HTTP servers, wired
// from a ServerConfig. start() brings everything up in dependency order (listeners first, so a
// taken port fails before anything else happens); stop() takes it down in reverse.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/cluster_role.hpp"
#include "app/edge_node.hpp"
#include "app/engine_node.hpp"
#include "app/engine_thread.hpp"
#include "app/metrics.hpp"
#include "app/runtime_registry.hpp"
#include "app/sequence_store.hpp"
#include "app/ws_feed.hpp"
#include "config/server_config.hpp"
#include "core/clock.hpp"
#include "server/http_server.hpp"
#include "sources/embedded/embedded_source.hpp"

namespace livedash::app {

struct ApplicationOptions {
  //! Overrides the config's port when set (0 picks a free port).
  std::optional<uint16_t> port_override;
  int io_threads = 2;
  //! Serve the dashboard page at `/`.
  bool serve_dashboard = true;
  //! How long start() waits for each external source's bootstrap before serving anyway.
  int64_t source_ready_timeout_ms = 60'000;
  //! `--role`: All runs everything here; Engine also publishes to the config's `cluster:`.
  ClusterRole role = ClusterRole::All;
  //! `--node`: the engine node this process is (`cluster.engines`); empty: the first one.
  std::string node;
};

class Application {
 public:
  Application(config::ServerConfig config, ApplicationOptions options, const core::Clock& clock);
  ~Application();

  //! Throws core::Error when a listener cannot bind, a query is invalid or a source fails.
  void start();
  void stop();

  uint16_t port() const { return main_server_->port(); }
  //! Port of an SSE reaction that has its own listener, or the main port.
  uint16_t ssePort(const std::string& reaction_id) const;
  sources::EmbeddedSource* embeddedSource(const std::string& id) const;
  EngineThread& engine() { return engine_; }
  //! The WebSocket endpoint's feed (`GET /ws` on the main port).
  const WsFeed& wsFeed() const { return *ws_feed_; }
  const config::ServerConfig& config() const { return config_; }
  //! Present with `--role engine`.
  EngineNode* engineNode() const { return engine_node_.get(); }
  EdgeNode* edgeNode() const { return edge_node_.get(); }

 private:
  void startSources();
  //! `--role engine`: connects to JetStream and decides which queries run here.
  void startEngineNode();
  //! `--role edge`: no engine, sources or queries; results and health from JetStream.
  void startEdge();
  //! A ConfigError at the `cluster:` section (or the file) for `--role` problems.
  [[noreturn]] void clusterError(std::string message, std::string hint) const;

  config::ServerConfig config_;
  ApplicationOptions options_;
  const core::Clock& clock_;
  EngineThread engine_;
  std::unique_ptr<server::HttpServer> main_server_;
  server::WsEndpointSharedPtr ws_endpoint_;
  std::unique_ptr<WsFeed> ws_feed_;
  std::unique_ptr<Metrics> metrics_;
  //! Present when the config has a `state_dir`.
  std::unique_ptr<SequenceStore> sequence_store_;
  std::unique_ptr<RuntimeRegistry> registry_;
  std::unique_ptr<EngineNode> engine_node_;
  //! The SSE streams an edge feeds; they outlive the edge node's feeds.
  std::vector<server::SseStreamSharedPtr> edge_streams_;
  std::unique_ptr<EdgeNode> edge_node_;
  bool started_ = false;
};

}  // namespace livedash::app
