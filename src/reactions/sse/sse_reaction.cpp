// src/reactions/sse/sse_reaction.cpp
#include "reactions/sse/sse_reaction.hpp"

#include <fmt/format.h>

#include "core/json.hpp"
#include "reactions/log/template_renderer.hpp"
#include "reactions/row_context.hpp"

namespace livedash::reactions {

SseReaction::SseReaction(std::string id, std::vector<std::string> queries,
                         std::vector<SseOutlet> outlets,
                         std::map<std::string, SseQueryRoutes> routes, std::string default_template)
    : id_(std::move(id)),
      queries_(std::move(queries)),
      routes_(std::move(routes)),
      default_template_(std::move(default_template)) {
  for (SseOutlet& config : outlets) {
    auto outlet = std::make_unique<Outlet>();
    outlet->sequence.store(config.first_sequence);
    outlet->config = std::move(config);
    outlets_.push_back(std::move(outlet));
  }
}

void SseReaction::onDiff(const engine::QueryDiff& diff, const std::string& diff_json) {
  for (const std::unique_ptr<Outlet>& outlet : outlets_) {
    outlet->parts = 0;
  }
  auto found = routes_.find(diff.query_id);
  if (found == routes_.end() && default_template_.empty()) {
    publish(*outlets_[0], diff, diff_json);
    return;
  }
  static const SseQueryRoutes kNoRoutes;
  const SseQueryRoutes& routes = found == routes_.end() ? kNoRoutes : found->second;
  for (const auto& row : diff.added) {
    publishRow(diff, routes.added, rowContext(diff, "ADD", nullptr, &row));
  }
  for (const auto& [before, after] : diff.updated) {
    publishRow(diff, routes.updated, rowContext(diff, "UPDATE", &before, &after));
  }
  for (const auto& row : diff.deleted) {
    publishRow(diff, routes.deleted, rowContext(diff, "DELETE", &row, nullptr));
  }
}

void SseReaction::publishRow(const engine::QueryDiff& diff, const std::optional<SseRoute>& route,
                             core::Map context) {
  context.insert_or_assign("timestamp", core::Value(diff.timestamp_ms));
  const std::string& text =
      route && !route->template_text.empty() ? route->template_text : default_template_;
  const std::string data =
      text.empty() ? core::toJson(core::Value(std::move(context))) : renderTemplate(text, context);
  publish(*outlets_[route ? route->outlet : 0], diff, data);
}

void SseReaction::publish(Outlet& outlet, const engine::QueryDiff& diff, std::string_view data) {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = outlet.config.channel;
  frame->sequence = outlet.sequence.load() + 1;
  frame->query = diff.query_id;
  frame->query_sequence = diff.sequence;
  frame->part = outlet.parts++;
  frame->commit_time_ms = diff.timestamp_ms;
  frame->bytes.reserve(data.size() + 32);
  fmt::format_to(std::back_inserter(frame->bytes), "id: {}\n", frame->sequence);
  // A rendered template may span lines; each needs its own `data:` (the client rejoins them).
  size_t at = 0;
  while (true) {
    size_t end = data.find('\n', at);
    std::string_view line = data.substr(at, end == std::string_view::npos ? end : end - at);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    frame->bytes.append("data: ").append(line).append("\n");
    if (end == std::string_view::npos) {
      break;
    }
    at = end + 1;
  }
  frame->bytes.append("\n");
  outlet.sequence.store(frame->sequence);
  if (outlet.config.persist) {
    outlet.config.persist(frame->sequence);
  }
  outlet.config.sink->publish(std::move(frame));
}

}  // namespace livedash::reactions
