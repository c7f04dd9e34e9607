// src/core/fd_limit.hpp
//
// Every SSE or WebSocket client holds a file descriptor, and the soft RLIMIT_NOFILE (often 1024)
// would cap clients long before memory does. The hard limit is as far as an unprivileged process
// may go (these machines cap it at 20,000, even for root), so the soft limit is raised to it.
#pragma once

#include <cstdint>
#include <string>

namespace livedash::core {

struct FdLimit {
  uint64_t soft_before = 0;  //!< the soft limit the process started with
  uint64_t soft = 0;         //!< the soft limit now
  uint64_t hard = 0;
  std::string error;  //!< why the limit could not be read or raised; empty when all went well
};

//! Raises the soft open-files limit to the hard limit and says what both are.
FdLimit raiseFdLimit();

}  // namespace livedash::core
