// src/app/application.cpp
#include "app/application.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "app/api_routes.hpp"
#include "app/dashboard_routes.hpp"
#include "app/edge_routes.hpp"
#include "app/embedded_files.hpp"
#include "app/http_options.hpp"
#include "app/ops_routes.hpp"
#include "app/query_check.hpp"
#include "config/config_error.hpp"

namespace livedash::app {

namespace {

const char* contentTypeOf(std::string_view path) {
  if (path.ends_with(".html"))
    return "text/html; charset=utf-8";
  if (path.ends_with(".js"))
    return "text/javascript; charset=utf-8";
  if (path.ends_with(".css"))
    return "text/css; charset=utf-8";
  if (path.ends_with(".svg"))
    return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

Application::Application(config::ServerConfig config, ApplicationOptions options,
                         const core::Clock& clock)
    : config_(std::move(config)), options_(options), clock_(clock), engine_(clock) {
  server::HttpServerOptions http = httpOptions(config_);
  http.host = config_.host;
  http.port = options_.port_override.value_or(config_.port);
  http.io_threads = options_.io_threads;
  main_server_ = std::make_unique<server::HttpServer>(http);
  // The WebSocket endpoint is always there: it costs nothing until someone subscribes. An edge
  // feeds its own from JetStream (startEdge).
  ws_feed_ = std::make_unique<WsFeed>(engine_);
  if (options_.role != ClusterRole::Edge) {
    ws_endpoint_ = main_server_->addWebSocket(server::WsOptions{}, *ws_feed_);
    ws_feed_->setEndpoint(ws_endpoint_);
    engine_.setWsFeed(ws_feed_.get());
  }
}

Application::~Application() {
  stop();
}

// Embedded stores bootstrap inside start(); PostgreSQL sources connect in the background, and
// are waited for (up to the option's limit) so that start() means "ready to answer".
void Application::startSources() {
  for (const config::SourceConfig& s : config_.sources) {
    if (!s.auto_start)
      continue;
    try {
      registry_->startSource(s.id);
    } catch (const core::Error& e) {
      if (e.code() != core::ErrorCode::ConfigInvalid)
        throw core::Error(e.code(), fmt::format("source `{}`: {}", s.id, e.what()));
      // A fault in the database's setup is reported against the source's entry in the file.
      core::Diagnostic d;
      d.file = !s.location.file.empty() ? s.location.file : config_.file;
      d.key_path = s.location.key_path;
      d.position = s.location.position;
      d.message = fmt::format("source `{}`: {}", s.id, e.what());
      d.hint = e.hint();
      throw config::ConfigError({std::move(d)});
    }
  }
  for (const SourceView& view : registry_->sources()) {
    if (!view.running || view.config.embedded() ||
        view.source->waitUntilReady(options_.source_ready_timeout_ms))
      continue;
    sources::SourceStatus s = view.source->status();
    spdlog::warn("source `{}` is not ready yet ({}{}{}); serving while it catches up",
                 view.config.id, sources::sourceStateName(s.state), s.message.empty() ? "" : ": ",
                 s.message);
  }
}

void Application::clusterError(std::string message, std::string hint) const {
  core::Diagnostic d;
  d.file = config_.file;
  d.key_path = config_.cluster.location.key_path;
  d.position = config_.cluster.location.position;
  d.message = std::move(message);
  d.hint = std::move(hint);
  throw config::ConfigError({std::move(d)});
}

void Application::startEdge() {
  if (!config_.cluster.present)
    clusterError("--role edge needs a `cluster:` section", "see docs/scale-out.md");
  edge_node_ = std::make_unique<EdgeNode>(config_, clock_);
  registerEdgeRoutes(*main_server_, *edge_node_, clock_);
  ws_endpoint_ = main_server_->addWebSocket(server::WsOptions{}, edge_node_->wsBackend());
  edge_node_->wsBackend().setEndpoint(ws_endpoint_);
  // SSE streams on the main port, each fed lazily while it has clients.
  for (const config::ReactionConfig& r : config_.reactions) {
    const config::SseReactionConfig* sse = r.sse();
    if (!sse)
      continue;
    if (sse->port) {
      spdlog::warn("edge: SSE reaction `{}` has its own port, which edges do not serve yet", r.id);
      continue;
    }
    server::SseStreamOptions options = sseStreamOptions(r, *sse);
    std::shared_ptr<EdgeFeed> feed =
        edge_node_->addSseFeed(r.queries, sse->sse_path, options.replay_frames);
    options.on_subscribe = [weak = std::weak_ptr<EdgeFeed>(feed)](
                               const server::SseResumePoint& resume) -> std::shared_ptr<void> {
      std::shared_ptr<EdgeFeed> f = weak.lock();
      return f ? f->subscribe(resume) : nullptr;
    };
    edge_streams_.push_back(main_server_->addSseStream(std::move(options)));
    feed->setSink(*edge_streams_.back());
  }
  main_server_->start();
  started_ = true;
}

void Application::startEngineNode() {
  if (!config_.cluster.present)
    clusterError("--role engine needs a `cluster:` section", "see docs/scale-out.md");
  std::string node = options_.node;
  std::vector<std::string> names;
  for (const config::EngineNodeConfig& n : config_.cluster.engines)
    names.push_back(n.name);
  if (names.empty())
    names.emplace_back(config::kDefaultEngineNode);
  if (node.empty())
    node = names.front();
  if (std::find(names.begin(), names.end(), node) == names.end())
    clusterError(fmt::format("--node `{}` is not an engine node of `cluster.engines`", node),
                 fmt::format("the engine nodes are: {}", fmt::join(names, ", ")));
  engine_node_ = std::make_unique<EngineNode>(config_, node, engine_);
}

void Application::start() {
  std::vector<core::Diagnostic> problems = checkQueries(config_);
  if (!problems.empty())
    throw config::ConfigError(std::move(problems));
  if (options_.role == ClusterRole::Edge) {
    startEdge();
    return;
  }
  if (options_.role == ClusterRole::Engine)
    startEngineNode();

  if (!config_.state_dir.empty())
    sequence_store_ = std::make_unique<SequenceStore>(config_.state_dir);
  registry_ = std::make_unique<RuntimeRegistry>(
      RegistryContext{engine_, *ws_feed_, *main_server_, config_, clock_, sequence_store_.get(),
                      options_.port_override.has_value(), engine_node_.get()});
  // Reactions first: an SSE stream on the main port must be there before it listens, and an own
  // listener whose port is taken fails before anything else happens.
  for (config::ReactionConfig r : config_.reactions) {
    // Sources and queries are started below; a reaction only waits for their diffs.
    registry_->addReaction(std::move(r), Origin::ConfigFile);
  }
  for (config::SourceConfig s : config_.sources) {
    s.auto_start = false;  // started once the queries are in place
    registry_->addSource(std::move(s));
  }
  metrics_ =
      std::make_unique<Metrics>(MetricsInputs{engine_, *registry_, *ws_endpoint_, *ws_feed_, clock_,
                                              engine_node_ ? &engine_node_->publisher() : nullptr});
  engine_.setDiffObserver([m = metrics_.get()](const engine::QueryDiff& d) { m->observeDiff(d); });
  main_server_->addRoute(
      "GET", "/metrics",
      [this](const server::HttpRequest&) {
        server::HttpResponse r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics_->render();
        return r;
      },
      config_.auth.public_metrics ? server::RouteAccess::Public : server::RouteAccess::Read);
  if (!config_.auth.tokens.empty())
    spdlog::info("auth: {}", describeTokens(accessTokens(config_.auth)));
  registerApiRoutes(*main_server_, ApiContext{engine_, *registry_, clock_});
  registerOperationsRoutes(*main_server_, engine_, *registry_);
  registerDashboardApi(*main_server_, config_);
  if (options_.serve_dashboard) {
    // With dashboards in the config, `/` goes to the first; without, it is the order page.
    registerDashboardPages(*main_server_, config_, embeddedFile("web/dashboard.html"),
                           embeddedFile("web/dashboards.html"));
    for (const EmbeddedFile& f : embeddedFiles()) {
      if (!f.path.starts_with("web/"))
        continue;
      std::string url(f.path.substr(3));
      main_server_->addAsset(url, contentTypeOf(f.path), f.bytes);
      if (url == "/index.html" && config_.dashboards.empty())
        main_server_->addAsset("/", contentTypeOf(f.path), f.bytes);
    }
  }
  main_server_->start();
  // Before the engine runs, so that the bootstrap diffs are published too.
  if (engine_node_)
    engine_node_->attach();
  engine_.start();
  for (config::QueryConfig q : config_.queries) {
    // An engine node knows every query (reactions may name them) but runs only its own.
    if (engine_node_ && std::find(engine_node_->queries().begin(), engine_node_->queries().end(),
                                  q.id) == engine_node_->queries().end())
      q.auto_start = false;
    registry_->addQuery(q);
  }
  startSources();
  // The bootstrap batches are queued ahead of this call: once it returns, the initial results
  // are in place, so start() means "ready to answer".
  engine_.call([](engine::Engine&) { return 0; });
  if (engine_node_)
    engine_node_->start();
  started_ = true;
}

void Application::stop() {
  if (registry_) {
    for (const SourceView& view : registry_->sources()) {
      if (view.source)
        view.source->stop();
    }
  }
  main_server_->stop();
  // No request reaches the edge any more; its feeds stop publishing.
  edge_node_.reset();
  engine_.stop();
  // What the engine produced before it stopped still goes out.
  if (engine_node_)
    engine_node_->stop();
  // Reaction listeners close with the registry, once the engine no longer feeds them.
  registry_.reset();
  started_ = false;
}

uint16_t Application::ssePort(const std::string& reaction_id) const {
  std::optional<ReactionView> view = registry_->reaction(reaction_id);
  return view && view->own_port ? view->own_port : main_server_->port();
}

sources::EmbeddedSource* Application::embeddedSource(const std::string& id) const {
  return registry_->embedded(id).get();
}

}  // namespace livedash::app
