// src/app/cluster_role.hpp
//
// What one livedash process does in a scale-out deployment (`livedash run --role`):
// - all: sources, queries and serving in one process, as without a cluster (the default);
// - engine: sources and the queries pinned to its node, published to JetStream;
// - edge: no sources or queries; serves what it reads from JetStream.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace livedash::app {

enum class ClusterRole : uint8_t { All, Engine, Edge };

inline std::optional<ClusterRole> parseClusterRole(std::string_view name) {
  if (name == "all")
    return ClusterRole::All;
  if (name == "engine")
    return ClusterRole::Engine;
  if (name == "edge")
    return ClusterRole::Edge;
  return std::nullopt;
}

}  // namespace livedash::app
