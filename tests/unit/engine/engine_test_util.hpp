// tests/unit/engine/engine_test_util.hpp
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "engine/engine.hpp"

namespace livedash::engine::testing {

inline core::Change orderChange(core::ChangeOp op, int id, const std::string& status, double total,
                                const std::string& created_at = "2026-11-22T10:00:00Z") {
  core::Change c;
  c.op = op;
  c.element.id = "orders:" + std::to_string(id);
  c.element.labels = {"orders"};
  if (op != core::ChangeOp::Delete) {
    c.element.properties = {{"id", core::Value(id)},
                            {"status", core::Value(status)},
                            {"total", core::Value(total)},
                            {"customer_name", core::Value("c" + std::to_string(id % 5))},
                            {"created_at", core::Value(created_at)}};
  }
  return c;
}

inline core::ChangeBatch batchOf(std::vector<core::Change> changes, int64_t time_ms = 1000) {
  core::ChangeBatch b;
  b.source_id = "db";
  b.commit_time_ms = time_ms;
  b.changes = std::move(changes);
  return b;
}

struct RecordingSink : DiffSink {
  std::vector<std::string> json;
  std::vector<QueryDiff> diffs;
  void onDiff(const QueryDiff& d) override {
    json.push_back(diffJson(d));
    diffs.push_back(d);
  }
};

//! Snapshot rows as sorted JSON lines, for order-insensitive comparison.
inline std::vector<std::string> sortedRows(const QuerySnapshot& s) {
  std::vector<std::string> out;
  for (const auto& row : s.rows) {
    std::string line;
    appendRowJson(line, *s.columns, row);
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

//! An engine with a stepped clock and a sink that records every diff.
class EngineFixture : public ::testing::Test {
 protected:
  void SetUp() override { engine.setDiffSink(&sink); }
  //! The query's current rows, as sorted JSON lines.
  std::vector<std::string> rows(const std::string& id) {
    return sortedRows(engine.findQuery(id)->snapshot());
  }
  //! Applies `changes` as one transaction committed at `ms`, with the clock moved there first.
  void at(int64_t ms, std::vector<core::Change> changes) {
    clock.setMs(ms);
    engine.apply(batchOf(std::move(changes), ms));
  }
  //! Moves the clock to `ms` and fires every future that came due.
  void stepTo(int64_t ms) {
    clock.setMs(ms);
    engine.fireDueFutures();
  }

  core::FakeClock clock{1000};
  Engine engine{clock};
  RecordingSink sink;
};

//! Evaluates `expr` as JSON for one order {id: 7, status: 'pending', total: 12.5, name: ' Ann ',
//! tags: ['a', 'b'], at: '2026-11-22T10:37:12.345Z'} changed at 1'699'999'000'000, with the
//! clock at 1'700'000'000'000 (2023-11-14T22:13:20Z) and `$p` = 3.
inline std::string evalOnOrder(const std::string& expr) {
  core::FakeClock clock(1'700'000'000'000);
  Engine engine(clock);
  core::Change c;
  c.element.id = "orders:7";
  c.element.labels = {"orders"};
  c.element.properties = {{"id", core::Value(7)},
                          {"status", core::Value("pending")},
                          {"total", core::Value(12.5)},
                          {"name", core::Value(" Ann ")},
                          {"tags", core::Value(core::List{core::Value("a"), core::Value("b")})},
                          {"at", core::Value("2026-11-22T10:37:12.345Z")}};
  engine.apply(batchOf({c}, 1'699'999'000'000));
  engine.addQuery({"q", "MATCH (o:orders) RETURN " + expr + " AS v", {{"p", core::Value(3)}}});
  return core::toJson(engine.findQuery("q")->snapshot().rows.at(0).at(0));
}

//! The error adding `text` as a query throws; a test failure when it throws none.
inline core::Error addQueryError(Engine& engine, const std::string& text) {
  try {
    engine.addQuery({"bad", text, {}});
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error for " << text;
  return core::Error(core::ErrorCode::Internal, "");
}

//! The message and offset of the error for `MATCH (o:orders) RETURN <expr> AS v`, as
//! "message at offset" (the expression starts at offset 24).
inline std::string returnError(const std::string& expr) {
  core::FakeClock clock;
  Engine engine(clock);
  core::Error e = addQueryError(engine, "MATCH (o:orders) RETURN " + expr + " AS v");
  return std::string(e.what()) + " at " + (e.span() ? std::to_string(e.span()->offset) : "-");
}

}  // namespace livedash::engine::testing
