// src/app/sse_reaction_factory.cpp
#include "app/sse_reaction_factory.hpp"

#include <algorithm>

namespace livedash::app {

namespace {

size_t indexOf(const std::vector<std::string>& paths, const std::string& path) {
  return static_cast<size_t>(std::find(paths.begin(), paths.end(), path) - paths.begin());
}

std::optional<reactions::SseRoute> routeOf(const config::SseReactionConfig& sse,
                                           const std::vector<std::string>& paths,
                                           const std::optional<config::SseAction>& action) {
  if (!action) {
    return std::nullopt;
  }
  return reactions::SseRoute{action->template_text,
                             indexOf(paths, sseRoutePath(sse.sse_path, action->path))};
}

//! The sequence slot of a path: the reaction's own path keeps the name it always had.
std::string slotName(const std::string& reaction_id, size_t index, const std::string& path) {
  return index == 0 ? "reaction:" + reaction_id : "reaction:" + reaction_id + "@" + path;
}

}  // namespace

std::string sseRoutePath(const std::string& sse_path, const std::string& path) {
  if (path.empty()) {
    return sse_path;
  }
  if (path.starts_with('/')) {
    return path;
  }
  std::string base = sse_path;
  while (base.size() > 1 && base.ends_with('/')) {
    base.pop_back();
  }
  return base == "/" ? "/" + path : base + "/" + path;
}

std::vector<std::string> sseStreamPaths(const config::SseReactionConfig& sse) {
  std::vector<std::string> paths = {sse.sse_path};
  auto add = [&](const std::optional<config::SseAction>& action) {
    if (!action) {
      return;
    }
    std::string path = sseRoutePath(sse.sse_path, action->path);
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
      paths.push_back(std::move(path));
    }
  };
  for (const auto& [query, routes] : sse.routes) {
    add(routes.added);
    add(routes.updated);
    add(routes.deleted);
  }
  return paths;
}

std::shared_ptr<reactions::SseReaction> makeSseReaction(
    const config::ReactionConfig& reaction, const config::SseReactionConfig& sse,
    server::HttpServer& host, const server::SseStreamOptions& stream_options,
    SequenceStore* sequences, std::vector<server::SseStreamSharedPtr>& streams) {
  const std::vector<std::string> paths = sseStreamPaths(sse);
  std::vector<reactions::SseOutlet> outlets;
  for (size_t i = 0; i < paths.size(); ++i) {
    server::SseStreamOptions options = stream_options;
    options.path = paths[i];
    streams.push_back(host.addSseStream(std::move(options)));
    reactions::SseOutlet outlet{paths[i], streams.back().get()};
    if (sequences) {
      uint64_t* slot = sequences->slot(slotName(reaction.id, i, paths[i]));
      if (*slot > 0) {
        *slot += SequenceStore::kRestartGap;
      }
      outlet.first_sequence = *slot;
      outlet.persist = [slot](uint64_t sequence) { *slot = sequence; };
    }
    outlets.push_back(std::move(outlet));
  }
  std::map<std::string, reactions::SseQueryRoutes> routes;
  for (const auto& [query, change_routes] : sse.routes) {
    routes[query] = reactions::SseQueryRoutes{routeOf(sse, paths, change_routes.added),
                                              routeOf(sse, paths, change_routes.updated),
                                              routeOf(sse, paths, change_routes.deleted)};
  }
  return std::make_shared<reactions::SseReaction>(reaction.id, reaction.queries, std::move(outlets),
                                                  std::move(routes), sse.default_template);
}

}  // namespace livedash::app
