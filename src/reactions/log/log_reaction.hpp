// src/reactions/log/log_reaction.hpp
#pragma once

#include <functional>
#include <map>

#include "reactions/reaction.hpp"

namespace livedash::reactions {

struct LogTemplates {
  std::string added;
  std::string updated;
  std::string deleted;
};

//! Writes one line per changed row. With a template for the query and change kind, the line is
//! the rendered template; otherwise `[ADD] {row}`, `[UPDATE] {before} -> {after}`,
//! `[DELETE] {row}`. Unlike Drasi, aggregation updates are templated too.
class LogReaction final : public Reaction {
 public:
  using LineWriter = std::function<void(const std::string& line)>;
  LogReaction(std::string id, std::vector<std::string> queries,
              std::map<std::string, LogTemplates> routes, std::string default_template,
              LineWriter writer);
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& queries() const override { return queries_; }
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;

 private:
  void emit(const std::string& query, const std::string* template_text, const char* fallback_kind,
            const core::Map& context);

  std::string id_;
  std::vector<std::string> queries_;
  std::map<std::string, LogTemplates> routes_;
  std::string default_template_;
  LineWriter writer_;
};

}  // namespace livedash::reactions
