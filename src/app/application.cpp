// src/app/application.cpp
#include "app/application.hpp"

#include <spdlog/spdlog.h>

#include "app/api_routes.hpp"
#include "app/embedded_files.hpp"
#include "app/query_check.hpp"
#include "app/query_definition.hpp"
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
  server::HttpServerOptions http;
  http.host = config_.host;
  http.port = options_.port_override.value_or(config_.port);
  http.io_threads = options_.io_threads;
  main_server_ = std::make_unique<server::HttpServer>(http);
}

Application::~Application() {
  stop();
}

void Application::createReactions() {
  for (const config::ReactionConfig& r : config_.reactions) {
    if (const config::SseReactionConfig* sse = r.sse()) {
      server::SseStreamOptions stream;
      stream.path = sse->sse_path;
      stream.heartbeat_interval_ms = static_cast<int>(sse->heartbeat_interval_ms);
      server::HttpServer* host = main_server_.get();
      if (sse->port) {
        server::HttpServerOptions http;
        http.host = sse->host;
        http.port = options_.port_override ? 0 : *sse->port;
        http.io_threads = 1;
        http.cors_origins = sse->cors_origins;
        auto own = std::make_unique<server::HttpServer>(http);
        host = own.get();
        reaction_servers_.emplace(r.id, std::move(own));
      }
      server::SseStreamSharedPtr s = host->addSseStream(stream);
      sse_streams_.push_back(s);
      reactions_.push_back(
          std::make_unique<reactions::SseReaction>(r.id, r.queries, sse->sse_path, *s));
    } else if (const config::LogReactionConfig* log = r.log()) {
      reactions_.push_back(std::make_unique<reactions::LogReaction>(
          r.id, r.queries, logRoutes(*log), log->default_template,
          [](const std::string& line) { spdlog::info("{}", line); }));
    } else {
      spdlog::warn("reaction `{}`: HTTP reactions are not available in this build yet; skipped",
                   r.id);
    }
  }
  for (const auto& r : reactions_)
    engine_.addReaction(r.get());
}

void Application::createSources() {
  for (const config::SourceConfig& s : config_.sources) {
    const config::EmbeddedSourceConfig* e = s.embedded();
    if (!e)
      continue;
    sources::EmbeddedSourceOptions o;
    o.id = s.id;
    o.path = e->path;
    o.schema_files = e->schema_files;
    embedded_sources_.emplace(s.id, std::make_unique<sources::EmbeddedSource>(std::move(o)));
  }
}

void Application::start() {
  std::vector<core::Diagnostic> problems = checkQueries(config_);
  std::vector<core::Diagnostic> unrunnable = checkRunnable(config_);
  problems.insert(problems.end(), unrunnable.begin(), unrunnable.end());
  if (!problems.empty())
    throw config::ConfigError(std::move(problems));

  createReactions();
  createSources();
  registerApiRoutes(*main_server_, ApiContext{engine_, embedded_sources_, config_, clock_});
  if (options_.serve_dashboard) {
    for (const EmbeddedFile& f : embeddedFiles()) {
      if (!f.path.starts_with("web/"))
        continue;
      std::string url(f.path.substr(3));
      main_server_->addAsset(url, contentTypeOf(f.path), f.bytes);
      if (url == "/index.html")
        main_server_->addAsset("/", contentTypeOf(f.path), f.bytes);
    }
  }
  main_server_->start();
  for (auto& [id, s] : reaction_servers_)
    s->start();
  engine_.start();
  for (const config::QueryConfig& q : config_.queries) {
    engine_.call([&](engine::Engine& e) {
      e.addQuery(toDefinition(q));
      return 0;
    });
  }
  for (auto& [id, source] : embedded_sources_)
    source->start(engine_);
  // The bootstrap batches are queued ahead of this call: once it returns, the initial results
  // are in place, so start() means "ready to answer".
  engine_.call([](engine::Engine&) { return 0; });
  started_ = true;
}

void Application::stop() {
  for (auto& [id, source] : embedded_sources_)
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
