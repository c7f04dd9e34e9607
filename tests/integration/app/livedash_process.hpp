// tests/integration/app/livedash_process.hpp
//
// The livedash binary as a child process, for the tests that kill it and start it again. Its
// output goes to a log whose tail a failure to come up quotes. Needs LIVEDASH_BIN.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/process.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::integration {

class LivedashProcess {
 public:
  //! `args` follow the binary. `port` 0: a free one at each start, passed with `-p`; otherwise
  //! the config's own. start() returns once GET `ready_target` answers 200.
  LivedashProcess(std::vector<std::string> args, std::string log, uint16_t port,
                  std::string ready_target, std::chrono::seconds wait)
      : args_(std::move(args)),
        log_(std::move(log)),
        fixed_port_(port),
        port_(port),
        ready_target_(std::move(ready_target)),
        wait_(wait) {}
  ~LivedashProcess() { kill(SIGKILL); }
  LivedashProcess(const LivedashProcess&) = delete;
  LivedashProcess& operator=(const LivedashProcess&) = delete;

  void start() {
    std::vector<std::string> argv = {LIVEDASH_BIN};
    argv.insert(argv.end(), args_.begin(), args_.end());
    if (fixed_port_ == 0) {
      port_ = testing::freeLoopbackPort();
      argv.insert(argv.end(), {"-p", std::to_string(port_)});
    }
    pid_ = testing::spawnProcess(argv, {.output = log_});
    const bool ready = server::test::waitFor(
        [&] {
          try {
            server::test::TestClient c(port_);
            return c.request("GET", ready_target_).status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        wait_);
    if (!ready) {
      std::string command = "livedash";
      for (const std::string& arg : args_) {
        command += " " + arg;
      }
      throw std::runtime_error(command + " did not come up:\n" +
                               testing::lastLines(testing::readFile(log_), 30));
    }
  }
  void kill(int signal) {
    if (pid_ > 0) {
      ::kill(pid_, signal);
      testing::waitExit(pid_);
      pid_ = -1;
    }
  }
  uint16_t port() const { return port_; }

 private:
  std::vector<std::string> args_;
  std::string log_;
  uint16_t fixed_port_;
  uint16_t port_;
  std::string ready_target_;
  std::chrono::seconds wait_;
  pid_t pid_ = -1;
};

}  // namespace livedash::integration
