// src/app/cli.cpp
#include "app/cli.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <tuple>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "app/application.hpp"
#include "app/demo_traffic.hpp"
#include "app/embedded_files.hpp"
#include "app/logging.hpp"
#include "app/query_check.hpp"
#include "app/replay.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/fd_limit.hpp"

namespace livedash::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// Blocks SIGINT and SIGTERM in every thread, so that only waitForShutdownSignal() sees them.
void blockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void waitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  spdlog::info("{} received, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
}

// Each SSE or WebSocket client holds a descriptor: the limit caps how many one process can serve.
void logFdLimit(const core::FdLimit& fds) {
  if (!fds.error.empty()) {
    spdlog::warn("could not raise the open-files limit ({}): soft {}, hard {}", fds.error, fds.soft,
                 fds.hard);
    return;
  }
  spdlog::info("open files: up to {} (soft limit was {}, hard limit {}); each client holds one",
               fds.soft, fds.soft_before, fds.hard);
}

void printDiagnostics(const std::vector<core::Diagnostic>& ds, const char* severity) {
  for (const core::Diagnostic& d : ds) {
    std::cerr << severity << ": " << core::formatDiagnostic(d);
  }
}

int check(const std::string& path) {
  try {
    config::ServerConfig cfg = config::loadConfigFile(path);
    std::vector<core::Diagnostic> errors = checkQueries(cfg);
    printDiagnostics(cfg.warnings, "warning");
    if (!errors.empty()) {
      printDiagnostics(errors, "error");
      std::cerr << errors.size() << " error" << (errors.size() == 1 ? "" : "s") << " in " << path
                << "\n";
      return kExitUsage;
    }
    std::cout << path << ": ok (" << cfg.sources.size() << " sources, " << cfg.queries.size()
              << " queries, " << cfg.reactions.size() << " reactions)\n";
    return kExitOk;
  } catch (const config::ConfigError& e) {
    // Report the query errors of whatever did load, too, in file order with the others.
    std::vector<core::Diagnostic> all = e.diagnostics();
    if (e.partial()) {
      std::vector<core::Diagnostic> queries = checkQueries(*e.partial());
      all.insert(all.end(), queries.begin(), queries.end());
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const core::Diagnostic& a, const core::Diagnostic& b) {
                       return std::tie(a.position.line, a.position.column) <
                              std::tie(b.position.line, b.position.column);
                     });
    printDiagnostics(all, "error");
    std::cerr << all.size() << " error" << (all.size() == 1 ? "" : "s") << " in " << path << "\n";
    return kExitUsage;
  }
}

// With `demo`, the example's workload writes to its store at `demo_rate` writes per second.
int runApplication(config::ServerConfig cfg, ApplicationOptions options,
                   const DemoExample* demo = nullptr, double demo_rate = 0) {
  blockShutdownSignals();
  logFdLimit(core::raiseFdLimit());
  core::SystemClock clock;
  try {
    Application app(std::move(cfg), options, clock);
    app.start();
    std::unique_ptr<DemoTraffic> traffic;
    if (demo && demo_rate > 0) {
      if (sources::EmbeddedSource* store = app.embeddedSource(std::string(demo->source_id))) {
        traffic = std::make_unique<DemoTraffic>(*store, demo->workload(), demo_rate,
                                                std::random_device{}());
        traffic->start();
      }
    }
    std::cout << "livedash is serving http://localhost:" << app.port() << std::endl;
    waitForShutdownSignal();
    if (traffic)
      traffic->stop();
    app.stop();
    return kExitOk;
  } catch (const config::ConfigError& e) {
    printDiagnostics(e.diagnostics(), "error");
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitRuntime;
  }
}

// The demo's config and schema live in the binary; they are written to a temporary folder so
// that they load exactly as a user's files would.
std::string writeDemoFiles(const DemoExample& example) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("livedash-demo-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (const char* name : {"livedash.yaml", "schema.sql"}) {
    std::string_view bytes = embeddedFile(fmt::format("{}/{}", example.folder, name));
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), bytes.size());
  }
  return (dir / "livedash.yaml").string();
}

}  // namespace

int runCli(int argc, char** argv) {
  CLI::App cli{"livedash: live dashboards from database changes, kept up to date incrementally"};
  cli.set_version_flag("--version", std::string("livedash 0.1.0"));
  cli.require_subcommand(1);

  auto* demo = cli.add_subcommand("demo",
                                  "run an example on the embedded store, with simulated "
                                  "traffic, at http://localhost:8080");
  std::string demo_name = "order-dashboard";
  std::vector<std::string> demo_names;
  for (const DemoExample& example : demoExamples())
    demo_names.emplace_back(example.name);
  demo->add_option(
          "example", demo_name,
          fmt::format("which example: {} (default order-dashboard)", fmt::join(demo_names, ", ")))
      ->check(CLI::IsMember(demo_names));
  uint16_t demo_port = 8080;
  std::optional<double> rate;
  demo->add_option("-p,--port", demo_port, "port to serve on (0 picks a free one)");
  demo->add_option("-r,--rate", rate,
                   "simulated writes per second (0 for none; default 3 for the order dashboard, "
                   "25 for analytics, 5 for kpis)")
      ->check(CLI::Range(0.0, 10000.0));
  int64_t stuck_after = 60;
  demo->add_option("--stuck-after", stuck_after,
                   "seconds in processing or packing before an order counts as stuck")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}));

  auto* run = cli.add_subcommand("run", "run a config file");
  std::string run_config;
  std::optional<uint16_t> run_port;
  run->add_option("-c,--config", run_config, "YAML config file")->required();
  run->add_option("-p,--port", run_port, "override the config's port");
  std::string run_role = "all";
  run->add_option("--role", run_role,
                  "all (sources, queries and serving; the default), engine (sources and queries, "
                  "published to the config's `cluster:`) or edge (serves from the cluster)")
      ->check(CLI::IsMember({"all", "engine", "edge"}));
  std::string run_node;
  run->add_option("--node", run_node,
                  "with --role engine: which of `cluster.engines` this is (default: the first)");
  // Both commands log; `--log-format json` writes one JSON object per line.
  std::optional<std::string> log_format_name;
  for (CLI::App* command : {demo, run}) {
    command
        ->add_option("--log-format", log_format_name,
                     "text, or json for one JSON object per line (overrides log_format)")
        ->check(CLI::IsMember({"text", "json"}, CLI::ignore_case));
  }
  auto logFormat = [&](config::LogFormat configured) {
    if (!log_format_name)
      return configured;
    return CLI::detail::to_lower(*log_format_name) == "json" ? config::LogFormat::Json
                                                             : config::LogFormat::Text;
  };

  auto* chk = cli.add_subcommand("check", "validate a config file and its queries");
  std::string check_config;
  chk->add_option("-c,--config", check_config, "YAML config file")->required();

  auto* replay = cli.add_subcommand(
      "replay",
      "run a query over a JSONL change script offline and print one JSONL diff per "
      "transaction");
  ReplayOptions replay_options;
  replay->add_option("--query", replay_options.query_file, "file with the Cypher query")
      ->required();
  replay->add_option("--joins", replay_options.joins_file, "YAML or JSON list of joins");
  replay->add_option("--changes", replay_options.changes_file, "JSONL change script")->required();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (*chk)
    return check(check_config);
  if (*replay)
    return runReplay(replay_options, std::cout, std::cerr);
  ApplicationOptions options;
  if (*run) {
    options.port_override = run_port;
    options.role = *parseClusterRole(run_role);
    options.node = run_node;
    try {
      config::ServerConfig cfg = config::loadConfigFile(run_config);
      configureLogging(cfg.log_level, logFormat(cfg.log_format));
      return runApplication(std::move(cfg), options);
    } catch (const config::ConfigError& e) {
      printDiagnostics(e.diagnostics(), "error");
      return kExitUsage;
    }
  }
  options.port_override = demo_port;
  const DemoExample& example = *findDemoExample(demo_name);
  config::ServerConfig demo_config = config::loadConfigFile(writeDemoFiles(example));
  configureLogging(demo_config.log_level, logFormat(demo_config.log_format));
  for (config::QueryConfig& q : demo_config.queries) {
    if (q.params.count("stuckAfterSeconds")) {
      q.params.insert_or_assign("stuckAfterSeconds", core::Value(stuck_after));
    }
  }
  return runApplication(std::move(demo_config), options, &example,
                        rate.value_or(example.default_rate));
}

}  // namespace livedash::app
