// src/server/server_log.cpp
#include "server/server_log.hpp"

#include <atomic>
#include <cstdio>

namespace livedash::server {

namespace {

void writeToStderr(ServerLogLevel, std::string_view message) {
  std::fprintf(stderr, "livedash: %.*s\n", static_cast<int>(message.size()), message.data());
}

std::atomic<ServerLogSink> g_sink{&writeToStderr};

}  // namespace

void setServerLogSink(ServerLogSink sink) {
  g_sink.store(sink ? sink : &writeToStderr);
}

void serverLog(ServerLogLevel level, std::string_view message) {
  g_sink.load()(level, message);
}

}  // namespace livedash::server
