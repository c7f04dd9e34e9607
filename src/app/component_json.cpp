// src/app/component_json.cpp
#include "app/component_json.hpp"

#include <fmt/format.h>

#include "config/config_enums.hpp"
#include "core/json.hpp"

namespace livedash::app {

namespace {

std::string str(std::string_view s) {
  std::string out;
  core::appendJsonString(out, s);
  return out;
}

const char* statusName(bool running) {
  return running ? "Running" : "Stopped";
}

}  // namespace

std::string sourceStatusJson(const std::string& id, const sources::SourceStatus& s) {
  std::string out = fmt::format(R"({{"id":{},"state":{},"reconnects":{})", str(id),
                                str(sources::sourceStateName(s.state)), s.reconnects);
  if (!s.message.empty())
    out += fmt::format(R"(,"message":{})", str(s.message));
  if (!s.position.empty())
    out += fmt::format(R"(,"position":{})", str(s.position));
  if (s.last_commit_ms > 0)
    out += fmt::format(R"(,"lastCommit":{})", str(core::formatDateTime({s.last_commit_ms})));
  if (s.lag_bytes >= 0)
    out += fmt::format(R"(,"lagBytes":{})", s.lag_bytes);
  return out + "}";
}

std::string sourceJson(const SourceView& source) {
  const std::string& id = source.config.id;
  sources::SourceStatus status = source.source ? source.source->status() : sources::SourceStatus{};
  return fmt::format(R"({{"id":{},"kind":{},"status":{},"state":{},"links":{{"self":{}}}}})",
                     str(id), str(config::enumName(source.config.kind)),
                     str(statusName(source.running)), sourceStatusJson(id, status),
                     str("/api/v1/sources/" + id));
}

std::string queryJson(const QueryView& query, const std::optional<std::string>& error) {
  const std::string& id = query.config.id;
  core::List sources;
  for (const config::QuerySourceConfig& s : query.config.sources)
    sources.emplace_back(s.source_id);
  std::string status =
      error ? R"("Error","error_message":)" + str(*error) : str(statusName(query.running));
  return fmt::format(
      R"({{"id":{},"status":{},"query":{},"sources":{},"links":{{"self":{},"results":{}}}}})",
      str(id), status, str(query.config.query), core::toJson(core::Value(sources)),
      str("/api/v1/queries/" + id), str("/api/v1/queries/" + id + "/results"));
}

std::string reactionJson(const ReactionView& reaction) {
  const std::string& id = reaction.config.id;
  core::List queries(reaction.config.queries.begin(), reaction.config.queries.end());
  std::string out =
      fmt::format(R"({{"id":{},"kind":{},"status":{},"queries":{})", str(id),
                  str(config::enumName(reaction.config.kind)), str(statusName(reaction.running)),
                  core::toJson(core::Value(queries)));
  if (reaction.own_port)
    out += fmt::format(R"(,"port":{})", reaction.own_port);
  if (const config::SseReactionConfig* sse = reaction.config.sse())
    out += fmt::format(R"(,"ssePath":{})", str(sse->sse_path));
  return out + fmt::format(R"(,"links":{{"self":{}}}}})", str("/api/v1/reactions/" + id));
}

}  // namespace livedash::app
