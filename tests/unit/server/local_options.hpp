// tests/unit/server/local_options.hpp
//
// Server options for tests: loopback, a free port, a few IO threads. Header-only because the test
// binary only compiles *_test.cpp files.
#pragma once

#include "server/http_server.hpp"

namespace livedash::server::test {

inline HttpServerOptions localOptions(int io_threads = 2) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = io_threads;
  return options;
}

}  // namespace livedash::server::test
