// src/reactions/log/log_reaction.cpp
#include "reactions/log/log_reaction.hpp"

#include <fmt/format.h>

#include "core/json.hpp"
#include "reactions/log/template_renderer.hpp"

namespace livedash::reactions {
namespace {

core::Value rowValue(const engine::QueryDiff& diff, const std::vector<core::Value>& row) {
  core::Map m;
  for (size_t i = 0; i < diff.columns->size() && i < row.size(); ++i) {
    m.insert_or_assign((*diff.columns)[i], row[i]);
  }
  return core::Value(std::move(m));
}

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
  auto base = [&](const char* operation) {
    core::Map m{{"query_name", core::Value(diff.query_id)}, {"operation", core::Value(operation)}};
    return m;
  };
  for (const auto& row : diff.added) {
    core::Map ctx = base("ADD");
    ctx.insert_or_assign("after", rowValue(diff, row));
    emit(diff.query_id, t ? nonEmpty(t->added) : nullptr, "ADD", ctx);
  }
  for (const auto& [before, after] : diff.updated) {
    core::Map ctx = base("UPDATE");
    ctx.insert_or_assign("before", rowValue(diff, before));
    ctx.insert_or_assign("after", rowValue(diff, after));
    emit(diff.query_id, t ? nonEmpty(t->updated) : nullptr, "UPDATE", ctx);
  }
  for (const auto& row : diff.deleted) {
    core::Map ctx = base("DELETE");
    ctx.insert_or_assign("before", rowValue(diff, row));
    emit(diff.query_id, t ? nonEmpty(t->deleted) : nullptr, "DELETE", ctx);
  }
}

}  // namespace livedash::reactions
