// src/config/cluster_fields.cpp
//
// The keys of `cluster:`. Names that end up in NATS subjects and bucket names (the stream, the
// engine nodes) are checked here, at load, so a bad one is a located config error rather than a
// JetStream error at startup.
#include <algorithm>

#include "config/cluster_config.hpp"
#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {
namespace {

// JetStream stream names and subject tokens: no dots, wildcards or spaces. Kept to a set that is
// also valid in a key-value bucket name.
bool isNatsName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool isServerUrl(std::string_view url) {
  for (std::string_view scheme : {"nats://", "tls://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) {
      return url.substr(scheme.size()).find_first_of("/ ") == std::string_view::npos;
    }
  }
  return false;
}

void checkRange(Reader& r, const YAML::Node& map, const std::string& path, std::string_view name,
                uint32_t value, uint32_t low, uint32_t high) {
  if (value >= low && value <= high) {
    return;
  }
  YAML::Node at = findField(map, name);
  if (!at.IsDefined()) {
    return;
  }
  r.error(at, childPath(path, name), fmt::format("{} must be between {} and {}", name, low, high));
}

// `engines: {engine-a: [q1, q2], engine-b: [q3]}`, in file order, each query at most once.
FieldBinding enginesField(Reader& r, std::vector<EngineNodeConfig>& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    if (!value.IsMap()) {
      r.wrongType(value, path, "a mapping of engine node names to query lists");
      return;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      EngineNodeConfig node;
      node.name = it->first.Scalar();
      const std::string key_path = childPath(path, node.name);
      node.location = r.locationOf(it->first, key_path);
      if (!isNatsName(node.name)) {
        r.error(it->first, key_path, fmt::format("`{}` is not a valid engine node name", node.name),
                "use letters, digits, `-` and `_`");
      }
      for (const EngineNodeConfig& other : target) {
        if (other.name == node.name) {
          r.error(it->first, key_path, fmt::format("engine node `{}` appears twice", node.name));
        }
      }
      Reader::KeyScope scope(r, it->first);
      bindReferences(r, node.name, Section::Query, node.queries).read(it->second, key_path);
      target.push_back(std::move(node));
    }
  };
  return FieldBinding{"engines", FieldRule::Optional, std::move(read)};
}

// A query pinned twice would be published by two engines with clashing sequences.
void checkPinnedOnce(Reader& r, const YAML::Node& node, const std::string& path,
                     const std::vector<EngineNodeConfig>& engines) {
  const YAML::Node map = findField(node, "engines");
  for (size_t i = 0; i < engines.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      for (const std::string& query : engines[i].queries) {
        if (std::find(engines[j].queries.begin(), engines[j].queries.end(), query) ==
            engines[j].queries.end()) {
          continue;
        }
        const std::string key_path = childPath(childPath(path, "engines"), engines[i].name);
        r.error(map[engines[i].name], key_path,
                fmt::format("query `{}` is pinned to both `{}` and `{}`", query, engines[j].name,
                            engines[i].name),
                "a query runs on exactly one engine node");
      }
    }
  }
}

}  // namespace

std::string engineNodeOf(const ClusterConfig& cluster, const std::string& query_id) {
  if (cluster.engines.empty()) {
    return kDefaultEngineNode;
  }
  for (const EngineNodeConfig& node : cluster.engines) {
    if (std::find(node.queries.begin(), node.queries.end(), query_id) != node.queries.end()) {
      return node.name;
    }
  }
  return cluster.engines.front().name;
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, ClusterConfig& out) {
  if (!node.IsMap()) {
    r.wrongType(node, path, "a mapping");
    return;
  }
  out.present = true;
  out.location = r.locationOf(node, path);
  readFields(r, node, path,
             {field(r, "servers", out.servers, FieldRule::Required), field(r, "stream", out.stream),
              field(r, "replicas", out.replicas),
              field(r, "snapshot_interval_ms", out.snapshot_interval_ms),
              field(r, "stale_after_ms", out.stale_after_ms),
              field(r, "max_queued_diffs", out.max_queued_diffs),
              field(r, "max_queued_bytes", out.max_queued_bytes),
              field(r, "edge_idle_ms", out.edge_idle_ms), enginesField(r, out.engines)});
  const YAML::Node servers = findField(node, "servers");
  if (servers.IsSequence() && out.servers.empty()) {
    r.error(servers, childPath(path, "servers"), "the list of servers is empty",
            "list at least one, such as nats://127.0.0.1:4222");
  }
  for (size_t i = 0; servers.IsSequence() && i < out.servers.size(); ++i) {
    if (!isServerUrl(out.servers[i])) {
      r.error(servers[i], itemPath(childPath(path, "servers"), i),
              fmt::format("`{}` is not a NATS server URL", out.servers[i]),
              "write nats://host:port");
    }
  }
  const YAML::Node stream = findField(node, "stream");
  if (stream.IsDefined() && !isNatsName(out.stream)) {
    r.error(stream, childPath(path, "stream"),
            fmt::format("`{}` is not a valid JetStream stream name", out.stream),
            "use letters, digits, `-` and `_`");
  }
  checkRange(r, node, path, "replicas", out.replicas, 1, 5);
  checkRange(r, node, path, "snapshot_interval_ms", out.snapshot_interval_ms, 100, 3'600'000);
  checkRange(r, node, path, "stale_after_ms", out.stale_after_ms, 1000, 3'600'000);
  checkRange(r, node, path, "max_queued_diffs", out.max_queued_diffs, 1, 100'000'000);
  checkRange(r, node, path, "max_queued_bytes", out.max_queued_bytes, 1024, 4'000'000'000u);
  checkRange(r, node, path, "edge_idle_ms", out.edge_idle_ms, 0, 3'600'000);
  checkPinnedOnce(r, node, path, out.engines);
}

}  // namespace livedash::config
