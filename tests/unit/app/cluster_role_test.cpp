// tests/unit/app/cluster_role_test.cpp
//
// `run --role`: what is checked before any JetStream connection is tried, reported like the
// config's own errors (file, key path, line:column).
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"

namespace livedash::app {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kConfig =
    "port: 0\n"
    "sources:\n"
    "  - {kind: embedded, id: shop}\n"
    "queries:\n"
    "  - id: stats\n"
    "    query: MATCH (o:orders) RETURN count(o) AS n\n"
    "    sources: [{source_id: shop, nodes: [orders]}]\n";

//! The one diagnostic of starting `yaml` as `role`, as `line:column key_path: message (hint)`.
std::string startError(std::string_view yaml, ClusterRole role, std::string node = {}) {
  ApplicationOptions options;
  options.port_override = 0;
  options.serve_dashboard = false;
  options.role = role;
  options.node = std::move(node);
  core::SystemClock clock;
  Application app(config::loadConfigString(yaml, "inline.yaml"), options, clock);
  try {
    app.start();
  } catch (const config::ConfigError& e) {
    const core::Diagnostic& d = e.diagnostics().front();
    return fmt::format("{}:{} {}: {} ({})", d.position.line, d.position.column, d.key_path,
                       d.message, d.hint);
  }
  ADD_FAILURE() << "expected a config error";
  return {};
}

TEST(ClusterRole, ParsesTheThreeRoles) {
  EXPECT_EQ(parseClusterRole("all"), ClusterRole::All);
  EXPECT_EQ(parseClusterRole("engine"), ClusterRole::Engine);
  EXPECT_EQ(parseClusterRole("edge"), ClusterRole::Edge);
  EXPECT_EQ(parseClusterRole("Edge"), std::nullopt);
}

TEST(ClusterRole, EngineAndEdgeNeedAClusterSection) {
  EXPECT_THAT(startError(kConfig, ClusterRole::Engine),
              HasSubstr("--role engine needs a `cluster:` section"));
  EXPECT_THAT(startError(kConfig, ClusterRole::Edge),
              HasSubstr("--role edge needs a `cluster:` section"));
}

TEST(ClusterRole, TheNodeMustBeOneOfTheEngines) {
  const std::string yaml = std::string(kConfig) +
                           "cluster:\n"                         // 8
                           "  servers: [nats://127.0.0.1:1]\n"  // 9
                           "  engines: {engine-a: [stats], engine-b: []}\n";
  EXPECT_EQ(startError(yaml, ClusterRole::Engine, "engine-c"),
            "9:3 cluster: --node `engine-c` is not an engine node of `cluster.engines` (the "
            "engine nodes are: engine-a, engine-b)");
}

}  // namespace
}  // namespace livedash::app
