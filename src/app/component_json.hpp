// src/app/component_json.hpp
//
// How the REST API shows sources, queries and reactions: drasi-server's list items
// (`{"id","status","links",…}`, status in PascalCase: Running, Stopped, Error) plus what livedash
// knows besides (a source's connection state, an SSE reaction's own port).
#pragma once

#include <optional>
#include <string>

#include "app/runtime_registry.hpp"
#include "sources/source.hpp"

namespace livedash::app {

std::string sourceStatusJson(const std::string& id, const sources::SourceStatus& status);
std::string sourceJson(const SourceView& source);
//! `error`: why a running query failed, if it did.
std::string queryJson(const QueryView& query, const std::optional<std::string>& error);
std::string reactionJson(const ReactionView& reaction);

}  // namespace livedash::app
