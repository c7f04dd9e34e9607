// tests/unit/config/config_loader_test.cpp
//
// Valid configs: our complete example, defaults, camelCase, and environment interpolation.
#include "config/config_loader.hpp"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace livedash::config {
namespace {

using testing::brief;
using testing::briefs;
using testing::dataPath;
using ::testing::ElementsAre;

class CompleteExample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new ServerConfig(loadConfigFile(dataPath("complete.yaml")));
  }
  static void TearDownTestSuite() { delete config_; }
  static const ServerConfig& config() { return *config_; }

 private:
  static inline ServerConfig* config_ = nullptr;
};

TEST_F(CompleteExample, TopLevel) {
  EXPECT_EQ(config().file, dataPath("complete.yaml"));
  EXPECT_EQ(config().id, "shop-floor");
  EXPECT_EQ(config().host, "127.0.0.1");
  EXPECT_EQ(config().port, 9090);
  EXPECT_EQ(config().log_level, LogLevel::Debug);
  EXPECT_TRUE(config().warnings.empty()) << core::formatDiagnostics(config().warnings);
}

TEST_F(CompleteExample, EmbeddedSourceResolvesSchemaFilesAgainstTheConfigDirectory) {
  const SourceConfig& shop = config().sources.at(0);
  EXPECT_EQ(shop.kind, SourceKind::Embedded);
  EXPECT_EQ(shop.id, "shop");
  EXPECT_TRUE(shop.auto_start);
  ASSERT_NE(shop.embedded(), nullptr);
  EXPECT_EQ(shop.embedded()->path, ":memory:");
  EXPECT_THAT(shop.embedded()->schema_files, ElementsAre(dataPath("schema/shop.sql")));
  EXPECT_THAT(shop.embedded()->tables, ElementsAre("customers", "orders", "shipments"));
  EXPECT_EQ(shop.location.key_path, "sources[0]");
  EXPECT_EQ(shop.location.position.line, 8u);
}

TEST_F(CompleteExample, PostgresSource) {
  const SourceConfig& warehouse = config().sources.at(1);
  ASSERT_NE(warehouse.postgres(), nullptr);
  const PostgresSourceConfig& pg = *warehouse.postgres();
  EXPECT_FALSE(warehouse.auto_start);
  EXPECT_EQ(pg.host, "db.internal");
  EXPECT_EQ(pg.port, 5433);
  EXPECT_EQ(pg.database, "warehouse");
  EXPECT_EQ(pg.user, "reader");
  EXPECT_EQ(pg.password, "s3cret");
  EXPECT_EQ(pg.ssl_mode, SslMode::Require);
  EXPECT_EQ(pg.mode, PostgresMode::Notify);
  EXPECT_EQ(pg.notify_channel, "stock_changes");
  EXPECT_THAT(pg.tables, ElementsAre("public.stock"));
  ASSERT_EQ(pg.table_keys.size(), 1u);
  EXPECT_EQ(pg.table_keys[0].table, "public.stock");
  EXPECT_THAT(pg.table_keys[0].key_columns, ElementsAre("sku", "site"));
  EXPECT_TRUE(pg.create_publication);
  EXPECT_EQ(pg.slot_name, "drasi_slot");
  EXPECT_EQ(pg.publication_name, "drasi_publication");
  ASSERT_TRUE(warehouse.bootstrap_provider.has_value());
  EXPECT_EQ(warehouse.bootstrap_provider->kind, BootstrapKind::Postgres);
}

TEST_F(CompleteExample, Queries) {
  ASSERT_EQ(config().queries.size(), 3u);
  const QueryConfig& revenue = config().queries[0];
  EXPECT_EQ(revenue.query, "MATCH (o:orders)\nRETURN o.state AS state, sum(o.amount) AS revenue\n");
  EXPECT_TRUE(revenue.auto_start);
  EXPECT_EQ(revenue.text_location.key_path, "queries[0].query");
  ASSERT_EQ(revenue.sources.size(), 1u);
  EXPECT_EQ(revenue.sources[0].source_id, "shop");
  EXPECT_THAT(revenue.sources[0].nodes, ElementsAre("orders"));

  const QueryConfig& late = config().queries[1];
  EXPECT_EQ(late.query_language, QueryLanguage::Cypher);
  EXPECT_FALSE(late.auto_start);
  ASSERT_EQ(late.joins.size(), 1u);
  EXPECT_EQ(late.joins[0].id, "SHIPS");
  ASSERT_EQ(late.joins[0].keys.size(), 2u);
  EXPECT_EQ(late.joins[0].keys[0].label, "shipments");
  EXPECT_EQ(late.joins[0].keys[0].property, "order_id");
  EXPECT_EQ(late.joins[0].keys[1].label, "orders");
  EXPECT_EQ(late.params.at("min_amount"), core::Value(25.5));
  EXPECT_TRUE(late.params.at("min_amount").isFloat());
  EXPECT_EQ(late.params.at("label"), core::Value("big"));
  EXPECT_TRUE(late.params.at("limit").isInteger());
  EXPECT_EQ(late.params.at("strict"), core::Value(true));

  EXPECT_EQ(config().queries[2].query, "MATCH (s:stock) WHERE s.count < 5 RETURN s.sku AS sku");
}

TEST_F(CompleteExample, Reactions) {
  ASSERT_EQ(config().reactions.size(), 3u);
  const ReactionConfig& feed = config().reactions[0];
  ASSERT_NE(feed.sse(), nullptr);
  EXPECT_THAT(feed.queries, ElementsAre("revenue-by-state", "late-shipments"));
  EXPECT_FALSE(feed.sse()->port.has_value()) << "no port: served on the main port";
  EXPECT_EQ(feed.sse()->sse_path, "/events");
  EXPECT_EQ(feed.sse()->heartbeat_interval_ms, 15000u);
  EXPECT_EQ(feed.sse()->token, "let-me-in");
  const SseAction& late_added = feed.sse()->routes.at("late-shipments").added.value();
  EXPECT_EQ(late_added.template_text, "{{after.orderId}} is late");
  EXPECT_EQ(late_added.path, "late");

  const ReactionConfig& console = config().reactions[1];
  ASSERT_NE(console.log(), nullptr);
  EXPECT_EQ(console.log()->default_template, "{{operation}} {{json after}}");
  const ChangeRoutes<LogAction>& routes = console.log()->routes.at("late-shipments");
  EXPECT_FALSE(routes.added.has_value());
  EXPECT_EQ(routes.deleted->template_text, "order {{before.orderId}} shipped");

  const ReactionConfig& pager = config().reactions[2];
  EXPECT_EQ(pager.kind, ReactionKind::Http) << "webhook is another name for http";
  ASSERT_NE(pager.http(), nullptr);
  EXPECT_EQ(pager.http()->base_url, "http://hooks.example.com");
  EXPECT_EQ(pager.http()->timeout_ms, 2500u);
  const HttpAction& call = pager.http()->routes.at("low-stock").added.value();
  EXPECT_EQ(call.url, "/stock/{{after.sku}}");
  EXPECT_EQ(call.method, HttpMethod::Put);
  EXPECT_EQ(call.body, "{\"sku\": \"{{after.sku}}\"}");
  EXPECT_EQ(call.headers.at("X-Source"), "livedash");
}

TEST_F(CompleteExample, Dashboards) {
  ASSERT_EQ(config().dashboards.size(), 1u);
  const DashboardConfig& floor = config().dashboards[0];
  EXPECT_EQ(floor.id, "floor");
  EXPECT_EQ(floor.title, "Shop floor");
  ASSERT_EQ(floor.widgets.size(), 3u);
  EXPECT_EQ(floor.widgets[0].type, WidgetType::Stat);
  EXPECT_EQ(floor.widgets[0].query, "revenue-by-state");
  EXPECT_EQ(floor.widgets[0].options.at("value"), core::Value("revenue"));
  EXPECT_EQ(floor.widgets[1].type, WidgetType::StatusGrid);
  EXPECT_TRUE(floor.widgets[1].options.empty());
  EXPECT_EQ(floor.widgets[2].type, WidgetType::EventLog);
  EXPECT_EQ(floor.widgets[2].options.at("max_rows"), core::Value(50));
  EXPECT_EQ(floor.widgets[2].options.at("columns"), core::Value(core::List{"sku"}));
  EXPECT_EQ(enumName(floor.widgets[1].type), "status-grid");
}

TEST(ConfigLoader, DefaultsForAMinimalConfig) {
  ServerConfig c = loadConfigString(
      "sources:\n"
      "  - {kind: postgres, id: pg, database: d, user: u}\n"
      "  - {kind: embedded, id: mem}\n"
      "queries:\n"
      "  - {id: q, query: 'MATCH (n) RETURN n', sources: [{source_id: pg}]}\n"
      "reactions:\n"
      "  - {kind: sse, id: s, queries: [q]}\n"
      "  - {kind: http, id: h, queries: [q]}\n",
      "minimal.yaml");
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.log_level, LogLevel::Info);
  const PostgresSourceConfig& pg = *c.sources[0].postgres();
  EXPECT_EQ(pg.host, "localhost");
  EXPECT_EQ(pg.port, 5432);
  EXPECT_EQ(pg.slot_name, "drasi_slot");
  EXPECT_EQ(pg.publication_name, "drasi_publication");
  EXPECT_EQ(pg.mode, PostgresMode::Replication);
  EXPECT_FALSE(pg.create_publication);
  EXPECT_FALSE(c.sources[0].bootstrap_provider.has_value());
  EXPECT_EQ(c.sources[1].embedded()->path, ":memory:");
  EXPECT_TRUE(c.queries[0].auto_start);
  EXPECT_EQ(c.queries[0].query_language, QueryLanguage::Cypher);
  const SseReactionConfig& sse = *c.reactions[0].sse();
  EXPECT_EQ(sse.host, "0.0.0.0");
  EXPECT_FALSE(sse.port.has_value());
  EXPECT_EQ(sse.sse_path, "/events");
  EXPECT_EQ(sse.heartbeat_interval_ms, 30000u);
  EXPECT_TRUE(c.reactions[0].auto_start);
  EXPECT_EQ(c.reactions[1].http()->timeout_ms, 10000u);
}

TEST(ConfigLoader, CamelCaseKeysReadLikeSnakeCase) {
  ServerConfig c = loadConfigFile(dataPath("camel_case.yaml"));
  EXPECT_EQ(c.log_level, LogLevel::Warn);
  const PostgresSourceConfig& pg = *c.sources.at(0).postgres();
  EXPECT_EQ(pg.slot_name, "camel_slot");
  EXPECT_EQ(pg.publication_name, "camel_pub");
  EXPECT_EQ(pg.ssl_mode, SslMode::Disable);
  EXPECT_THAT(pg.table_keys.at(0).key_columns, ElementsAre("id"));
  EXPECT_EQ(c.sources[0].bootstrap_provider->kind, BootstrapKind::Postgres);
  EXPECT_EQ(c.queries.at(0).sources.at(0).source_id, "pg");
  const SseReactionConfig& sse = *c.reactions.at(0).sse();
  EXPECT_EQ(sse.port, 8081);
  EXPECT_EQ(sse.sse_path, "/stream");
  EXPECT_EQ(sse.heartbeat_interval_ms, 5000u);
  EXPECT_EQ(sse.default_template, "{{json after}}");
  const HttpReactionConfig& http = *c.reactions.at(1).http();
  EXPECT_EQ(http.base_url, "http://localhost:9000");
  EXPECT_EQ(http.timeout_ms, 1000u);
  EXPECT_EQ(http.routes.at("open-orders").updated->method, HttpMethod::Post);
}

TEST(ConfigLoader, DrasiOnlySettingsBecomeWarnings) {
  ServerConfig c = loadConfigFile(dataPath("camel_case.yaml"));
  EXPECT_THAT(
      briefs(c.warnings),
      ElementsAre("2:1 apiVersion: `apiVersion` is a drasi-server setting that livedash ignores",
                  "5:1 persistConfig: `persistConfig` is a drasi-server setting that livedash "
                  "ignores",
                  "6:1 persistIndex: `persistIndex` is a drasi-server setting that livedash "
                  "ignores",
                  "7:1 stateStore: `stateStore` is a drasi-server setting that livedash ignores",
                  "10:1 defaultPriorityQueueCapacity: `defaultPriorityQueueCapacity` is a "
                  "drasi-server setting that livedash ignores",
                  "11:1 enableUi: `enableUi` is a drasi-server setting that livedash ignores",
                  "29:7 sources[0].bootstrapProvider.database: `database` is a drasi-server "
                  "setting that livedash ignores",
                  "35:5 queries[0].enableBootstrap: `enableBootstrap` is a drasi-server setting "
                  "that livedash ignores"));
  EXPECT_EQ(c.warnings[6].hint, "livedash bootstraps over the source's own connection");
}

TEST(ConfigLoader, RouteForAQueryTheReactionDoesNotReadIsAWarning) {
  ServerConfig c = loadConfigString(
      "sources: [{kind: embedded, id: s}]\n"
      "queries:\n"
      "  - {id: orders, query: 'MATCH (n) RETURN n', sources: [{source_id: s}]}\n"
      "reactions:\n"
      "  - kind: log\n"
      "    id: l\n"
      "    queries: [orders]\n"
      "    routes:\n"
      "      order:\n"
      "        added: {template: x}\n",
      "routes.yaml");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(brief(c.warnings[0]),
            "9:7 reactions[0].routes.order: route `order` is for a query this reaction does not "
            "subscribe to");
  EXPECT_EQ(c.warnings[0].hint, "did you mean `orders`?");
}

TEST(ConfigLoader, WindowsLineEndings) {
  std::string yaml =
      "sources:\r\n"
      "  - {kind: embedded, id: s}\r\n"
      "queries:\r\n"
      "  - id: q\r\n"
      "    query: |\r\n"
      "      MATCH (o)\r\n"
      "      RETURN o\r\n"
      "    sources: [{source_id: s}]\r\n";
  ServerConfig c = loadConfigString(yaml, "crlf.yaml");
  const QueryConfig& q = c.queries.at(0);
  core::LineColumn lc = q.fileLocationOf(static_cast<uint32_t>(q.query.find("RETURN")));
  EXPECT_EQ(lc.line, 7u);
  EXPECT_EQ(lc.column, 7u);
}

class EnvironmentConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("LIVEDASH_TEST_HOST", "10.1.2.3", 1);
    setenv("LIVEDASH_TEST_USER", "alice", 1);
    unsetenv("LIVEDASH_TEST_PORT");
    unsetenv("LIVEDASH_TEST_DB");
    unsetenv("LIVEDASH_TEST_PASSWORD");
  }
  void TearDown() override {
    unsetenv("LIVEDASH_TEST_HOST");
    unsetenv("LIVEDASH_TEST_USER");
  }
};

TEST_F(EnvironmentConfig, ValuesComeFromTheEnvironmentOrTheirDefaults) {
  ServerConfig c = loadConfigFile(dataPath("env.yaml"));
  EXPECT_EQ(c.host, "10.1.2.3");
  EXPECT_EQ(c.port, 8088) << "a port given as ${VAR:-default} is still a port";
  const PostgresSourceConfig& pg = *c.sources.at(0).postgres();
  EXPECT_EQ(pg.database, "shop");
  EXPECT_EQ(pg.user, "alice");
  EXPECT_EQ(pg.password, "");
}

TEST_F(EnvironmentConfig, QueryTextIsNotInterpolated) {
  ServerConfig c = loadConfigFile(dataPath("env.yaml"));
  EXPECT_EQ(c.queries.at(0).query,
            "MATCH (n:orders) WHERE n.note = '${NOT_INTERPOLATED}' RETURN n.id AS id");
}

TEST_F(EnvironmentConfig, SetVariablesWinOverDefaults) {
  setenv("LIVEDASH_TEST_PORT", "7000", 1);
  ServerConfig c = loadConfigFile(dataPath("env.yaml"));
  unsetenv("LIVEDASH_TEST_PORT");
  EXPECT_EQ(c.port, 7000);
}

TEST_F(EnvironmentConfig, KindCanComeFromTheEnvironment) {
  setenv("LIVEDASH_TEST_KIND", "embedded", 1);
  ServerConfig c =
      loadConfigString("sources:\n  - {kind: '${LIVEDASH_TEST_KIND}', id: s}\n", "kind.yaml");
  unsetenv("LIVEDASH_TEST_KIND");
  EXPECT_EQ(c.sources.at(0).kind, SourceKind::Embedded);
  EXPECT_NE(c.sources[0].embedded(), nullptr) << "settings follow the interpolated kind";
}

TEST_F(EnvironmentConfig, UnsetVariableIsReportedWhereItIsUsed) {
  unsetenv("LIVEDASH_TEST_USER");
  std::vector<core::Diagnostic> ds = testing::rejectionOf(dataPath("env.yaml"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(brief(ds[0]),
            "8:11 sources[0].user: environment variable `LIVEDASH_TEST_USER` is not set");
  EXPECT_EQ(ds[0].hint, "set it, or give a default with `${LIVEDASH_TEST_USER:-default}`");
}

}  // namespace
}  // namespace livedash::config
