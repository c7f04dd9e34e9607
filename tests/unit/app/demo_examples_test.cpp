// tests/unit/app/demo_examples_test.cpp
//
// Each example `livedash demo` can run, with its own simulated traffic: the config loads, the
// workload's writes succeed, and the live numbers agree with SQL over the same store.
#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "app/demo_traffic.hpp"
#include "app/demo_workloads.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app {
namespace {

using server::test::TestClient;

class DemoExampleTest : public ::testing::Test {
 protected:
  void start(const std::string& name) {
    example = findDemoExample(name);
    ASSERT_NE(example, nullptr);
    config::ServerConfig cfg = config::loadConfigFile(
        LIVEDASH_SOURCE_DIR "/" + std::string(example->folder) + "/livedash.yaml");
    ApplicationOptions options;
    options.port_override = 0;
    options.io_threads = 1;
    app = std::make_unique<Application>(std::move(cfg), options, clock);
    app->start();
    store = app->embeddedSource(std::string(example->source_id));
    ASSERT_NE(store, nullptr);
  }
  void TearDown() override {
    if (app)
      app->stop();
  }
  void write(int steps) {
    DemoTraffic traffic(*store, example->workload(), 0, 42);
    for (int i = 0; i < steps; ++i)
      traffic.step();
  }
  core::List rows(const std::string& query) {
    TestClient c(app->port());
    auto reply = c.request("GET", "/api/v1/queries/" + query + "/results");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return core::parseJson(reply.body).asMap().at("data").asList();
  }
  //! The query's rows once they agree with `expected` (JSON of the sorted rows), or the last.
  std::string settle(const std::string& query, const std::string& expected) {
    std::string last;
    for (int i = 0; i < 100; ++i) {
      std::vector<std::string> lines;
      for (const core::Value& row : rows(query))
        lines.push_back(core::toJson(row));
      std::sort(lines.begin(), lines.end());
      last = fmt::format("{}", fmt::join(lines, "\n"));
      if (last == expected)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return last;
  }
  std::vector<core::List> sql(const std::string& statement) {
    return store->executeSql(statement).rows;
  }

  core::SystemClock clock;
  std::unique_ptr<Application> app;
  const DemoExample* example = nullptr;
  sources::EmbeddedSource* store = nullptr;
};

TEST_F(DemoExampleTest, EveryExampleLoadsAndItsWorkloadWrites) {
  for (const DemoExample& e : demoExamples()) {
    SCOPED_TRACE(std::string(e.name));
    start(std::string(e.name));
    write(300);
    app->stop();
    app.reset();
  }
}

TEST_F(DemoExampleTest, AnalyticsCountersMatchSql) {
  start("analytics");
  write(400);
  std::vector<core::List> counted =
      sql("SELECT count(*), count(DISTINCT user_id) FROM events WHERE timestamp > "
          "strftime('%Y-%m-%d %H:%M:%S', 'now', '-5 minutes')");
  ASSERT_GT(counted[0][0].asInteger(), 300) << "a few of the writes are retention deletes";
  EXPECT_EQ(settle("events-5m", fmt::format(R"({{"events":{}}})", counted[0][0].asInteger())),
            fmt::format(R"({{"events":{}}})", counted[0][0].asInteger()));
  EXPECT_EQ(
      settle("active-users-5m", fmt::format(R"({{"activeUsers":{}}})", counted[0][1].asInteger())),
      fmt::format(R"({{"activeUsers":{}}})", counted[0][1].asInteger()));

  std::vector<core::List> by_org = sql(
      "SELECT org_id, count(*), count(DISTINCT user_id) FROM events GROUP BY org_id ORDER BY 1");
  std::vector<std::string> expected;
  for (const core::List& row : by_org) {
    expected.push_back(fmt::format(R"({{"activeUsers":{},"events":{},"org":"{}"}})",
                                   row[2].asInteger(), row[1].asInteger(), row[0].asString()));
  }
  std::string want = fmt::format("{}", fmt::join(expected, "\n"));
  EXPECT_EQ(settle("events-by-org-5m", want), want);

  core::List top = rows("top-events-today");
  ASSERT_FALSE(top.empty());
  EXPECT_LE(top.size(), 10u);
  std::vector<core::List> most =
      sql("SELECT event_name, count(*) AS n FROM events WHERE timestamp >= date('now') GROUP BY "
          "event_name ORDER BY n DESC, event_name LIMIT 1");
  EXPECT_EQ(top[0].asMap().at("eventName"), most[0][0]);
  EXPECT_EQ(top[0].asMap().at("events"), most[0][1]);
}

TEST_F(DemoExampleTest, KpiAveragesMatchSql) {
  start("kpis");
  write(300);
  std::vector<core::List> expected_rows =
      sql("SELECT kpi_code, avg(value), count(*) FROM kpi_raw_data GROUP BY kpi_code ORDER BY 1");
  ASSERT_EQ(expected_rows.size(), 5u);
  // Compare with a tolerance: the engine sums incrementally, SQLite from scratch.
  core::List current;
  for (int i = 0; i < 100; ++i) {
    current = rows("kpi-current");
    int64_t points = 0;
    for (const core::Value& row : current)
      points += row.asMap().at("dataPoints").asInteger();
    int64_t expected_points = 0;
    for (const core::List& row : expected_rows)
      expected_points += row[2].asInteger();
    if (points == expected_points)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(current.size(), expected_rows.size());
  for (const core::List& want : expected_rows) {
    auto it = std::find_if(current.begin(), current.end(), [&](const core::Value& row) {
      return row.asMap().at("kpi") == want[0];
    });
    ASSERT_NE(it, current.end()) << want[0].asString();
    EXPECT_NEAR(it->asMap().at("value").asNumber(), want[1].asNumber(), 1e-9);
    EXPECT_EQ(it->asMap().at("dataPoints"), want[2]);
  }
  // The minute rollup holds every reading once.
  int64_t rolled_up = 0;
  for (const core::Value& row : rows("kpi-by-minute"))
    rolled_up += row.asMap().at("dataPoints").asInteger();
  EXPECT_EQ(rolled_up, sql("SELECT count(*) FROM kpi_raw_data")[0][0].asInteger());
}

}  // namespace
}  // namespace livedash::app
