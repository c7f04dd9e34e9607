// src/reactions/log/log_reaction.cpp
#include "reactions/log/log_reaction.hpp"

#include <fmt/format.h>

#include "core/json.hpp"
#include "reactions/log/template_renderer.hpp"
#include "reactions/row_context.hpp"

namespace livedash::reactions {
namespace {

const std::string* nonEmpty(const std::string& s) {
  return s.empty() ? nullptr : &s;
}

}  // namespace

LogReaction::LogReaction(std::string id, std::vector<std::string> queries,
                         std::map<std::string, LogTemplates> routes, std::string default_template,
                         LineWriter writer)
    : id_(std::move(id)),
      queries_(std::move(queries)),
      routes_(std::move(routes)),
      default_template_(std::move(default_template)),
      writer_(std::move(writer)) {}

void LogReaction::emit(const std::string& query, const std::string* template_text, const char* kind,
                       const core::Map& context) {
  if (!template_text)
    template_text = nonEmpty(default_template_);
  if (template_text) {
    writer_(fmt::format("[{}] {}", id_, renderTemplate(*template_text, context)));
    return;
  }
  std::string body;
  auto before = context.find("before");
  auto after = context.find("after");
  if (before != context.end() && after != context.end()) {
    body = core::toJson(before->second) + " -> " + core::toJson(after->second);
  } else {
    body = core::toJson(after != context.end() ? after->second : before->second);
  }
  writer_(fmt::format("[{}] {} [{}] {}", id_, query, kind, body));
}

void LogReaction::onDiff(const engine::QueryDiff& diff, const std::string&) {
  auto route = routes_.find(diff.query_id);
  const LogTemplates* t = route == routes_.end() ? nullptr : &route->second;
  for (const auto& row : diff.added) {
    emit(diff.query_id, t ? nonEmpty(t->added) : nullptr, "ADD",
         rowContext(diff, "ADD", nullptr, &row));
  }
  for (const auto& [before, after] : diff.updated) {
    emit(diff.query_id, t ? nonEmpty(t->updated) : nullptr, "UPDATE",
         rowContext(diff, "UPDATE", &before, &after));
  }
  for (const auto& row : diff.deleted) {
    emit(diff.query_id, t ? nonEmpty(t->deleted) : nullptr, "DELETE",
         rowContext(diff, "DELETE", &row, nullptr));
  }
}

}  // namespace livedash::reactions
