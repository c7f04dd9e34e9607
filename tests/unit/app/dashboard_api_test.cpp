// tests/unit/app/dashboard_api_test.cpp
//
// The `dashboards:` section over HTTP (tests/data/app/dashboards.yaml, auth on): the list and
// the full config, narrowed to what a token may read; the generic page at /d/{id} and the index;
// `/` going to the first dashboard.
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app {
namespace {

using server::test::Reply;
using server::test::TestClient;

const std::pair<std::string, std::string> kReader = {"Authorization",
                                                     "Bearer reader-secret-0123456789"};
const std::pair<std::string, std::string> kViewer = {"Authorization",
                                                     "Bearer viewer-secret-0123456789"};

class DashboardApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ApplicationOptions options;
    options.port_override = 0;
    options.io_threads = 1;
    app = std::make_unique<Application>(
        config::loadConfigFile(LIVEDASH_SOURCE_DIR "/tests/data/app/dashboards.yaml"), options,
        clock);
    app->start();
  }
  void TearDown() override { app->stop(); }

  Reply get(const std::string& target,
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    TestClient c(app->port());
    return c.request("GET", target, headers, "");
  }
  static core::Value data(const Reply& r) { return core::parseJson(r.body).asMap().at("data"); }

  core::SystemClock clock;
  std::unique_ptr<Application> app;
};

TEST_F(DashboardApiTest, ListsTheDashboardsATokenMayRead) {
  EXPECT_EQ(get("/api/v1/dashboards").status, 401);
  Reply all = get("/api/v1/dashboards", {kReader});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(core::toJson(data(all)),
            R"([{"id":"ops","queries":["stats"],"title":"Operations"},)"
            R"({"id":"all","queries":["stats","big"],"title":"Everything"}])");
  Reply narrowed = get("/api/v1/dashboards", {kViewer});
  EXPECT_EQ(core::toJson(data(narrowed)),
            R"([{"id":"ops","queries":["stats"],"title":"Operations"}])");
}

TEST_F(DashboardApiTest, GivesTheWholeDashboardWithWidgetOptions) {
  Reply ops = get("/api/v1/dashboards/ops", {kViewer});
  ASSERT_EQ(ops.status, 200) << ops.body;
  core::Map widget = data(ops).asMap().at("widgets").asList().at(0).asMap();
  EXPECT_EQ(widget.at("type").asString(), "status-grid");
  EXPECT_EQ(widget.at("query").asString(), "stats");
  EXPECT_EQ(core::toJson(widget.at("options")),
            R"({"count":"orders","group":"status","order":["pending","shipped"],"sum":"revenue"})");

  Reply forbidden = get("/api/v1/dashboards/all", {kViewer});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_NE(forbidden.body.find(R"("code":"forbidden")"), std::string::npos);
  Reply missing = get("/api/v1/dashboards/nope", {kReader});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find(R"("code":"not_found")"), std::string::npos);
}

TEST_F(DashboardApiTest, ServesTheGenericPageAndSendsRootToTheFirstDashboard) {
  Reply page = get("/d/all");
  EXPECT_EQ(page.status, 200) << "pages are public; their data is not";
  EXPECT_NE(page.body.find("dashboard.js"), std::string::npos);
  EXPECT_EQ(get("/d/ops").body, page.body) << "the same page for every id";
  EXPECT_NE(get("/dashboards").body.find("dashboard-index.js"), std::string::npos);
  Reply root = get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "d/ops");
  EXPECT_EQ(get("/?token=abc&x=1").header("location"), "d/ops?token=abc&x=1")
      << "a token in the query string survives the redirect";
  EXPECT_EQ(get("/index.html").status, 200) << "the order page stays at its own path";
}

}  // namespace
}  // namespace livedash::app
