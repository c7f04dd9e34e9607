// src/app/application.cpp
#include "app/application.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/api_routes.hpp"
#include "app/dashboard_routes.hpp"
#include "app/embedded_files.hpp"
#include "app/http_options.hpp"
#include "app/query_check.hpp"
#include "app/query_definition.hpp"
#include "app/source_factory.hpp"
#include "app/webhook_factory.hpp"
#include "config/config_error.hpp"
#include "reactions/log/log_reaction.hpp"
#include "reactions/sse/sse_reaction.hpp"

namespace livedash::app {

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
  // The WebSocket endpoint is always there: it costs nothing until someone subscribes.
  ws_feed_ = std::make_unique<WsFeed>(engine_);
  ws_feed_->setEndpoint(main_server_->addWebSocket(server::WsOptions{}, *ws_feed_));
  engine_.setWsFeed(ws_feed_.get());
}

Application::~Application() {
  stop();
}

void Application::createReactions() {
  for (const config::ReactionConfig& r : config_.reactions) {
    if (const config::SseReactionConfig* sse = r.sse()) {
      server::SseStreamOptions stream = sseStreamOptions(r, *sse);
      server::HttpServer* host = main_server_.get();
      if (sse->port) {
        server::HttpServerOptions http = httpOptions(config_);
        http.host = sse->host;
        http.port = options_.port_override ? 0 : *sse->port;
        http.io_threads = 1;
        http.cors_origins = sse->cors_origins;
        auto own = std::make_unique<server::HttpServer>(http);
        host = own.get();
        reaction_servers_.emplace(r.id, std::move(own));
      }
      server::SseStreamSharedPtr s = host->addSseStream(stream);
      sse_streams_.emplace(r.id, s);
      auto [first, slot] = resumeSequence("reaction:" + r.id);
      std::function<void(uint64_t)> persist;
      if (slot)
        persist = [slot](uint64_t sequence) { *slot = sequence; };
      reactions_.push_back(std::make_unique<reactions::SseReaction>(r.id, r.queries, sse->sse_path,
                                                                    *s, first, std::move(persist)));
    } else if (const config::LogReactionConfig* log = r.log()) {
      reactions_.push_back(std::make_unique<reactions::LogReaction>(
          r.id, r.queries, logRoutes(*log), log->default_template,
          [](const std::string& line) { spdlog::info("{}", line); }));
    } else if (const config::HttpReactionConfig* http = r.http()) {
      reactions_.push_back(makeWebhookReaction(r, *http));
    }
  }
  for (const auto& r : reactions_)
    engine_.addReaction(r.get());
}

std::pair<uint64_t, uint64_t*> Application::resumeSequence(const std::string& name) {
  if (!sequence_store_)
    return {0, nullptr};
  uint64_t* slot = sequence_store_->slot(name);
  // A restart is not a continuation: the bootstrap rebuilds the result from scratch, so the
  // numbering jumps, and a client holding an older number knows to reload the snapshot.
  if (*slot > 0)
    *slot += SequenceStore::kRestartGap;
  return {*slot, slot};
}

void Application::createSources() {
  for (const config::SourceConfig& s : config_.sources) {
    const config::EmbeddedSourceConfig* e = s.embedded();
    if (!e) {
      external_sources_.push_back(makePostgresSource(s, clock_));
      sources_.emplace(s.id, external_sources_.back().get());
      continue;
    }
    sources::EmbeddedSourceOptions o;
    o.id = s.id;
    o.path = e->path;
    o.schema_files = e->schema_files;
    auto source = std::make_unique<sources::EmbeddedSource>(std::move(o));
    sources_.emplace(s.id, source.get());
    embedded_sources_.emplace(s.id, std::move(source));
  }
}

void Application::start() {
  std::vector<core::Diagnostic> problems = checkQueries(config_);
  if (!problems.empty())
    throw config::ConfigError(std::move(problems));

  if (!config_.state_dir.empty())
    sequence_store_ = std::make_unique<SequenceStore>(config_.state_dir);
  createReactions();
  createSources();
  metrics_ = std::make_unique<Metrics>(MetricsInputs{engine_, sources_, sse_streams_, clock_});
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
  registerApiRoutes(*main_server_,
                    ApiContext{engine_, embedded_sources_, sources_, config_, clock_});
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
  for (auto& [id, s] : reaction_servers_)
    s->start();
  std::map<std::string, uint64_t*> sequence_slots;
  std::vector<engine::QueryDefinition> definitions;
  for (const config::QueryConfig& q : config_.queries) {
    engine::QueryDefinition d = toDefinition(q);
    auto [first, slot] = resumeSequence("query:" + q.id);
    d.initial_sequence = first;
    if (slot)
      sequence_slots.emplace(q.id, slot);
    definitions.push_back(std::move(d));
  }
  engine_.setSequenceSlots(std::move(sequence_slots));
  engine_.start();
  for (engine::QueryDefinition& d : definitions) {
    engine_.call([&](engine::Engine& e) {
      e.addQuery(std::move(d));
      return 0;
    });
  }
  for (auto& [id, source] : embedded_sources_)
    source->start(engine_);
  for (auto& source : external_sources_) {
    try {
      source->start(engine_);
    } catch (const core::Error& e) {
      if (e.code() != core::ErrorCode::ConfigInvalid)
        throw core::Error(e.code(), fmt::format("source `{}`: {}", source->id(), e.what()));
      // A fault in the database's setup is reported against the source's entry in the file.
      const config::SourceConfig* where = nullptr;
      for (const config::SourceConfig& s : config_.sources) {
        if (s.id == source->id())
          where = &s;
      }
      core::Diagnostic d;
      d.file = where && !where->location.file.empty() ? where->location.file : config_.file;
      d.key_path = where ? where->location.key_path : "";
      d.position = where ? where->location.position : core::LineColumn{};
      d.message = fmt::format("source `{}`: {}", source->id(), e.what());
      d.hint = e.hint();
      throw config::ConfigError({std::move(d)});
    }
  }
  for (auto& source : external_sources_) {
    if (!source->waitUntilReady(options_.source_ready_timeout_ms)) {
      sources::SourceStatus s = source->status();
      spdlog::warn("source `{}` is not ready yet ({}{}{}); serving while it catches up",
                   source->id(), sources::sourceStateName(s.state), s.message.empty() ? "" : ": ",
                   s.message);
    }
  }
  // The bootstrap batches are queued ahead of this call: once it returns, the initial results
  // are in place, so start() means "ready to answer".
  engine_.call([](engine::Engine&) { return 0; });
  started_ = true;
}

void Application::stop() {
  for (auto& [id, source] : embedded_sources_)
    source->stop();
  for (auto& source : external_sources_)
    source->stop();
  for (auto& [id, s] : reaction_servers_)
    s->stop();
  if (main_server_)
    main_server_->stop();
  engine_.stop();
  started_ = false;
}

uint16_t Application::ssePort(const std::string& reaction_id) const {
  auto it = reaction_servers_.find(reaction_id);
  return it == reaction_servers_.end() ? main_server_->port() : it->second->port();
}

sources::EmbeddedSource* Application::embeddedSource(const std::string& id) const {
  auto it = embedded_sources_.find(id);
  return it == embedded_sources_.end() ? nullptr : it->second.get();
}

}  // namespace livedash::app
