// src/app/ws_lease.hpp
//
// A WebSocket lease that counts its subscription as one watcher for as long as the server holds
// it, whatever thread drops it. Shared by the engine's feed and an edge's.
#pragma once

#include <atomic>
#include <memory>

#include "server/ws_endpoint.hpp"

namespace livedash::app {

inline server::WsLease wsLease(const std::shared_ptr<std::atomic<size_t>>& counter) {
  counter->fetch_add(1, std::memory_order_relaxed);
  return server::WsLease(counter.get(),
                         [counter](void*) { counter->fetch_sub(1, std::memory_order_relaxed); });
}

//! Whether a counter handed to wsLease() has a watcher now (a null one never had).
inline bool wsWatched(const std::shared_ptr<std::atomic<size_t>>& counter) {
  return counter && counter->load(std::memory_order_relaxed) > 0;
}

}  // namespace livedash::app
