// tests/support/nats_cluster.cpp
#include "support/nats_cluster.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/process.hpp"

namespace livedash::testing {
namespace {

constexpr const char* kServer = "/usr/sbin/nats-server";

// Kills every node and removes the directory once the test process is gone, unless the
// destructor did it first (it removes the directory before closing the pipe).
constexpr const char* kWatchdogScript = R"sh(
dir=$1
read -r _
if [ -d "$dir" ]; then
  for f in "$dir"/*.pid; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  rm -rf "$dir"
fi
)sh";

bool accepting(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool NatsCluster::available() {
  return ::access(kServer, X_OK) == 0;
}

std::unique_ptr<NatsCluster> NatsCluster::start(int nodes) {
  if (!available()) {
    throw std::runtime_error("nats-server is not installed (run scripts/install-deps.sh --test)");
  }
  std::unique_ptr<NatsCluster> cluster(new NatsCluster());
  std::string pattern = std::filesystem::temp_directory_path().string() + "/livedash-nats-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno)));
  }
  cluster->dir_ = pattern;
  cluster->startWatchdog();
  for (int i = 0; i < nodes; ++i) {
    Node node;
    node.name = fmt::format("n{}", i + 1);
    node.client_port = freeLoopbackPort();
    node.route_port = freeLoopbackPort();
    cluster->nodes_.push_back(node);
  }
  for (Node& node : cluster->nodes_) {
    cluster->writeConfig(node);
    cluster->launch(node);
  }
  for (const Node& node : cluster->nodes_) {
    cluster->waitAccepting(node);
  }
  return cluster;
}

NatsCluster::~NatsCluster() {
  for (Node& node : nodes_) {
    if (node.pid > 0) {
      ::kill(node.pid, SIGKILL);
      waitExit(node.pid);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  endWatchdog(watchdog_);
}

std::vector<std::string> NatsCluster::urls() const {
  std::vector<std::string> out;
  for (const Node& node : nodes_) {
    out.push_back(fmt::format("nats://127.0.0.1:{}", node.client_port));
  }
  return out;
}

void NatsCluster::writeConfig(const Node& node) const {
  std::string routes;
  for (const Node& other : nodes_) {
    if (other.name != node.name) {
      routes += fmt::format("    nats-route://127.0.0.1:{}\n", other.route_port);
    }
  }
  std::ofstream conf(fmt::format("{}/{}.conf", dir_, node.name));
  conf << fmt::format(
      "server_name: {0}\n"
      "listen: 127.0.0.1:{1}\n"
      "pid_file: \"{3}/{0}.pid\"\n"
      "jetstream {{\n  store_dir: \"{3}/{0}\"\n  max_memory_store: 64MB\n"
      "  max_file_store: 1GB\n}}\n"
      "cluster {{\n  name: livedash-test\n  listen: 127.0.0.1:{2}\n  routes: [\n{4}  ]\n}}\n",
      node.name, node.client_port, node.route_port, dir_, routes);
  if (!conf.flush()) {
    throw std::runtime_error(fmt::format("cannot write the config of {}", node.name));
  }
}

void NatsCluster::launch(Node& node) {
  node.pid = spawnProcess({kServer, "-c", fmt::format("{}/{}.conf", dir_, node.name)},
                          {.cwd = dir_, .output = fmt::format("{}/{}.log", dir_, node.name)});
}

void NatsCluster::waitAccepting(const Node& node) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!accepting(node.client_port)) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(fmt::format("nats-server {} did not start:\n{}", node.name,
                                           logTail(static_cast<int>(&node - nodes_.data()))));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void NatsCluster::kill(int node) {
  Node& n = nodes_.at(node);
  if (n.pid > 0) {
    ::kill(n.pid, SIGKILL);
    waitExit(n.pid);
    n.pid = -1;
  }
}

void NatsCluster::restart(int node) {
  kill(node);
  launch(nodes_.at(node));
  waitAccepting(nodes_.at(node));
}

std::string NatsCluster::logTail(int node, size_t lines) const {
  return lastLines(readFile(fmt::format("{}/{}.log", dir_, nodes_.at(node).name)), lines);
}

void NatsCluster::startWatchdog() {
  std::vector<std::string> args = {"/bin/sh", "-c", kWatchdogScript, "sh", dir_};
  watchdog_ = spawnWatchdog(args);
}

}  // namespace livedash::testing
