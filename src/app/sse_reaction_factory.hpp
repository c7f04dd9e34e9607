// src/app/sse_reaction_factory.hpp
//
// An SSE reaction from its config: the stream paths it serves (its own `sse_path` and the paths
// of its routes) and which path and template each query's changes take.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/sequence_store.hpp"
#include "config/reaction_config.hpp"
#include "reactions/sse/sse_reaction.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

//! `path` as served: absolute as written, or relative to `sse_path` (`sensors` under `/events`
//! is `/events/sensors`); empty is `sse_path` itself.
std::string sseRoutePath(const std::string& sse_path, const std::string& path);

//! Every distinct path the reaction serves, its own `sse_path` first.
std::vector<std::string> sseStreamPaths(const config::SseReactionConfig& sse);

//! Registers one stream per path on `host` (before it starts) and builds the reaction that
//! feeds them. With `sequences`, each path continues the `id:` sequence of the previous run.
std::shared_ptr<reactions::SseReaction> makeSseReaction(
    const config::ReactionConfig& reaction, const config::SseReactionConfig& sse,
    server::HttpServer& host, const server::SseStreamOptions& stream_options,
    SequenceStore* sequences, std::vector<server::SseStreamSharedPtr>& streams);

}  // namespace livedash::app
