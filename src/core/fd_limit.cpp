// src/core/fd_limit.cpp
#include "core/fd_limit.hpp"

#include <cerrno>
#include <cstring>

#include <sys/resource.h>

namespace livedash::core {

FdLimit raiseFdLimit() {
  FdLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.soft_before = limit.rlim_cur;
  out.soft = limit.rlim_cur;
  out.hard = limit.rlim_max;
  if (limit.rlim_cur == limit.rlim_max) {
    return out;
  }
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.soft = limit.rlim_cur;
  return out;
}

}  // namespace livedash::core
