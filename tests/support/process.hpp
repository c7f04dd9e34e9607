// tests/support/process.hpp
//
// Small process and file helpers for the test cluster: spawning a program with its output in a
// file, waiting for it, picking a free loopback port, reading a log's tail.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace livedash::testing {

struct SpawnOptions {
  std::string cwd;
  std::string output;  //!< stdout and stderr appended here; /dev/null when empty
  int stdin_fd = -1;   //!< /dev/null when negative
  bool new_session = false;
};

//! Starts `args[0]` (an absolute path) with posix_spawn, so that nothing but exec runs in the
//! child of a maybe multithreaded process. Throws std::runtime_error when it cannot.
pid_t spawnProcess(const std::vector<std::string>& args, const SpawnOptions& options);
//! Waits for a child; returns its exit code, or -1 when it died of a signal.
int waitExit(pid_t pid);

//! A cleanup script that runs when our end of its stdin closes: when the test ends, or when
//! its process dies however it dies (the kernel closes the pipe).
struct Watchdog {
  pid_t pid = -1;
  int fd = -1;  //!< our end of its stdin
};
//! Starts `args` in its own session (so that signals for the test's process group do not reach
//! it) with a pipe on its stdin. Throws std::runtime_error when it cannot.
Watchdog spawnWatchdog(const std::vector<std::string>& args);
//! Closes the pipe, so the watchdog runs its cleanup, and waits for it. No-op when not started.
void endWatchdog(Watchdog& watchdog);
//! Binds 127.0.0.1:0 and releases the port the kernel picked.
uint16_t freeLoopbackPort();
//! The whole file, or "" when it cannot be read.
std::string readFile(const std::string& path);
//! The last `lines` lines of `text`.
std::string lastLines(const std::string& text, size_t lines);

}  // namespace livedash::testing
