// src/app/replay.cpp
#include "app/replay.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "app/query_definition.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/diagnostic.hpp"
#include "core/json.hpp"
#include "engine/engine.hpp"

namespace livedash::app {
namespace {

struct ScriptError {
  size_t line;
  std::string message;
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ScriptError{0, fmt::format("cannot read {}", path)};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const core::Value* field(const core::Map& m, std::string_view key) {
  auto it = m.find(key);
  return it == m.end() || it->second.isNull() ? nullptr : &it->second;
}

std::string stringField(const core::Map& m, std::string_view key, size_t line, bool required) {
  const core::Value* v = field(m, key);
  if (!v) {
    if (required)
      throw ScriptError{line, fmt::format("`{}` is required", key)};
    return {};
  }
  if (!v->isString())
    throw ScriptError{line, fmt::format("`{}` must be a string", key)};
  return v->asString();
}

core::Change parseChange(const core::Map& m, const std::string& op, size_t line) {
  core::Change c;
  c.op = op == "insert" ? core::ChangeOp::Insert
                        : (op == "update" ? core::ChangeOp::Update : core::ChangeOp::Delete);
  c.element.id = stringField(m, "id", line, true);
  if (const core::Value* labels = field(m, "labels")) {
    if (!labels->isList())
      throw ScriptError{line, "`labels` must be a list of strings"};
    for (const core::Value& l : labels->asList()) {
      if (!l.isString())
        throw ScriptError{line, "`labels` must be a list of strings"};
      c.element.labels.push_back(l.asString());
    }
  } else if (c.op == core::ChangeOp::Insert) {
    throw ScriptError{line, "an insert needs `labels`"};
  }
  if (const core::Value* props = field(m, "props")) {
    if (!props->isMap())
      throw ScriptError{line, "`props` must be an object"};
    c.element.properties = props->asMap();
  }
  c.element.start_id = stringField(m, "start", line, false);
  c.element.end_id = stringField(m, "end", line, false);
  if (c.element.start_id.empty() != c.element.end_id.empty()) {
    throw ScriptError{line, "a relationship needs both `start` and `end`"};
  }
  return c;
}

int64_t timeField(const core::Map& m, std::string_view key, size_t line) {
  const core::Value* v = field(m, key);
  if (!v)
    return -1;
  if (!v->isInteger())
    throw ScriptError{line, fmt::format("`{}` must be an integer (ms)", key)};
  return v->asInteger();
}

struct DiffPrinter : engine::DiffSink {
  std::ostream& out;
  explicit DiffPrinter(std::ostream& o) : out(o) {}
  void onDiff(const engine::QueryDiff& d) override { out << engine::diffJson(d) << '\n'; }
};

class Replayer {
 public:
  Replayer(engine::Engine& engine, core::FakeClock& clock) : engine_(engine), clock_(clock) {}

  void moveClock(int64_t now_ms) {
    if (now_ms <= clock_.nowMs())
      return;
    clock_.setMs(now_ms);
    engine_.fireDueFutures();
  }

  void commit() {
    if (pending_.changes.empty())
      return;
    if (pending_time_ms_ >= 0)
      moveClock(pending_time_ms_);
    pending_.commit_time_ms = pending_time_ms_ >= 0 ? pending_time_ms_ : clock_.nowMs();
    engine_.apply(pending_);
    pending_ = core::ChangeBatch{};
    pending_time_ms_ = -1;
  }

  void add(core::Change change, int64_t time_ms) {
    pending_.changes.push_back(std::move(change));
    pending_time_ms_ = std::max(pending_time_ms_, time_ms);
  }

 private:
  engine::Engine& engine_;
  core::FakeClock& clock_;
  core::ChangeBatch pending_;
  int64_t pending_time_ms_ = -1;
};

void runScript(const std::string& text, Replayer& replayer) {
  std::vector<std::pair<size_t, core::Map>> lines;
  bool uses_commit = false;
  std::istringstream in(text);
  std::string raw;
  for (size_t n = 1; std::getline(in, raw); ++n) {
    if (raw.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    core::Value v;
    try {
      v = core::parseJson(raw);
    } catch (const core::Error& e) {
      throw ScriptError{n, e.what()};
    }
    if (!v.isMap())
      throw ScriptError{n, "each line must be a JSON object"};
    uses_commit = uses_commit || (field(v.asMap(), "op") && *field(v.asMap(), "op") == "commit");
    lines.emplace_back(n, v.asMap());
  }
  for (const auto& [n, m] : lines) {
    std::string op = stringField(m, "op", n, true);
    if (op == "commit") {
      replayer.commit();
    } else if (op == "clock") {
      int64_t now = timeField(m, "now_ms", n);
      if (now < 0)
        throw ScriptError{n, "a clock line needs `now_ms`"};
      replayer.commit();
      replayer.moveClock(now);
    } else if (op == "insert" || op == "update" || op == "delete") {
      replayer.add(parseChange(m, op, n), timeField(m, "time_ms", n));
      // A script without commit lines makes each change its own transaction.
      if (!uses_commit)
        replayer.commit();
    } else {
      throw ScriptError{n, fmt::format("unknown op `{}`: expected insert, update, delete, commit "
                                       "or clock",
                                       op)};
    }
  }
  replayer.commit();
}

}  // namespace

int runReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
  std::string query_text;
  config::QueryConfig query;
  try {
    query_text = readFile(options.query_file);
    query.id = std::filesystem::path(options.query_file).stem().string();
    query.query = query_text;
    if (!options.joins_file.empty())
      query.joins = config::loadJoinsFile(options.joins_file);
  } catch (const ScriptError& e) {
    err << "error: " << e.message << '\n';
    return 2;
  } catch (const config::ConfigError& e) {
    err << core::formatDiagnostics(e.diagnostics());
    return 2;
  }
  core::FakeClock clock(0);
  engine::Engine engine(clock);
  DiffPrinter printer(out);
  engine.setDiffSink(&printer);
  try {
    engine.addQuery(toDefinition(query));
  } catch (const core::Error& e) {
    core::Diagnostic d = core::diagnosticAt(query_text, e.span().value_or(core::SourceSpan{0, 1}),
                                            e.what(), e.hint());
    d.file = options.query_file;
    err << "error: " << core::formatDiagnostic(d);
    return 2;
  }
  Replayer replayer(engine, clock);
  try {
    runScript(readFile(options.changes_file), replayer);
  } catch (const ScriptError& e) {
    err << "error: " << options.changes_file << ':' << e.line << ": " << e.message << '\n';
    return 2;
  }
  return 0;
}

}  // namespace livedash::app
