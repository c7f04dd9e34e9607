// tests/support/nats_cluster.hpp
//
// A throwaway 3-node nats-server JetStream cluster for integration tests: each node in its own
// directory under one temp dir, on free loopback ports (client and route). The destructor kills
// the servers and removes the directory; a watchdog process does the same if the test process
// dies without running it, so no nats-server is left behind. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/process.hpp"

namespace livedash::testing {

class NatsCluster {
 public:
  //! Whether nats-server is installed (/usr/sbin/nats-server).
  static bool available();
  //! Starts `nodes` servers routed to each other and waits until each accepts connections.
  //! JetStream elects its meta leader a moment later: callers retry their first request.
  //! Throws std::runtime_error with the logs' tails if a server does not come up.
  static std::unique_ptr<NatsCluster> start(int nodes = 3);
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  //! `nats://127.0.0.1:<port>` of every node, for a client's server list.
  std::vector<std::string> urls() const;
  //! SIGKILL one node (its JetStream files stay, so restart() brings it back with them).
  void kill(int node);
  void restart(int node);
  std::string logTail(int node, size_t lines = 30) const;
  const std::string& directory() const { return dir_; }

 private:
  struct Node {
    std::string name;
    uint16_t client_port = 0;
    uint16_t route_port = 0;
    pid_t pid = -1;
  };
  NatsCluster() = default;
  void writeConfig(const Node& node) const;
  void launch(Node& node);
  void waitAccepting(const Node& node) const;
  void startWatchdog();

  std::string dir_;
  std::vector<Node> nodes_;
  Watchdog watchdog_;
};

}  // namespace livedash::testing
