// src/app/edge_node.cpp
#include "app/edge_node.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "app/edge_results.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "reactions/jetstream/cluster_names.hpp"
#include "reactions/jetstream/startup_retry.hpp"

namespace livedash::app {
namespace {

//! How long a read of the stream waits for the next message it knows is there.
constexpr int64_t kReadTimeoutMs = 5'000;
//! Reloads when the stream jumps past the snapshot (an engine restarted after writing it) before
//! giving up: the restarted engine writes a new snapshot as soon as its queries are up.
constexpr int kReloads = 5;

}  // namespace

EdgeNode::EdgeNode(const config::ServerConfig& config, const core::Clock& clock)
    : cluster_(config.cluster), clock_(clock) {
  for (const config::QueryConfig& q : config.queries) {
    queries_.push_back(q.id);
  }
  reactions::retryJetStreamStartup([&] {
    client_ = std::make_unique<reactions::NatsClient>(
        reactions::NatsClientOptions{cluster_.servers, "livedash edge"});
  });
  ws_ = std::make_unique<EdgeWsFeed>(*client_, clock_, cluster_.stream, queries_,
                                     cluster_.edge_idle_ms,
                                     [this](const std::string& q) { return results(q); });
  spdlog::info("edge node: {} queries from JetStream stream `{}` on {}", queries_.size(),
               cluster_.stream, fmt::join(cluster_.servers, ", "));
}

EdgeQueryResults EdgeNode::results(const std::string& query) {
  const std::string subject = reactions::diffSubject(cluster_.stream, query);
  for (int attempt = 0; attempt < kReloads; ++attempt) {
    std::optional<std::string> text =
        client_->get(reactions::snapshotBucket(cluster_.stream), query);
    if (!text) {
      // A query of the config is one an engine will publish; any other is served only once one
      // has (created at run time through an engine's operations API).
      if (std::find(queries_.begin(), queries_.end(), query) == queries_.end()) {
        throw core::Error(core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", query));
      }
      throw core::Error(core::ErrorCode::QueryStopped,
                        fmt::format("no engine has published query `{}` yet", query));
    }
    const core::Value snapshot = core::parseJson(*text);
    const core::Map& s = snapshot.asMap();
    EdgeResults results;
    results.reset(s.at("data"), s.at("sequence").asInteger());
    const auto after = static_cast<uint64_t>(s.at("stream_sequence").asInteger());
    // The subject's end now; diffs published later are for the next request.
    std::optional<reactions::StoredMessage> last = client_->lastMessage(cluster_.stream, subject);
    bool fits = true;
    if (last && last->stream_sequence > after) {
      client_->readRange(cluster_.stream, subject, after + 1, last->stream_sequence, kReadTimeoutMs,
                         [&](const reactions::StoredMessage& msg) {
                           core::Value diff = core::parseJson(msg.data);
                           // The snapshot's stream position is a lower bound: skip what it
                           // already holds.
                           if (static_cast<uint64_t>(diff.asMap().at("sequence").asInteger()) >
                               results.sequence()) {
                             fits = results.apply(diff);
                           }
                           return fits;
                         });
    }
    if (fits) {
      return EdgeQueryResults{results.sequence(), results.rowsJson()};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  throw core::Error(core::ErrorCode::Internal,
                    fmt::format("query `{}`: the stream does not follow its snapshot", query));
}

std::shared_ptr<EdgeFeed> EdgeNode::addSseFeed(std::vector<std::string> queries,
                                               std::string channel, size_t replay_frames) {
  feeds_.push_back(std::make_shared<EdgeFeed>(
      *client_, EdgeFeedOptions{cluster_.stream, std::move(queries), std::move(channel),
                                cluster_.edge_idle_ms, replay_frames}));
  return feeds_.back();
}

size_t EdgeNode::consumersOf(const std::string& query) const {
  size_t n = 0;
  for (const std::shared_ptr<EdgeFeed>& feed : feeds_) {
    n += feed->consuming(query) ? 1 : 0;
  }
  return n + (ws_->consuming(query) ? 1 : 0);
}

std::optional<int64_t> EdgeNode::silentMs() {
  std::optional<int64_t> newest;
  for (const std::string& q : queries_) {
    if (auto e = client_->entry(reactions::snapshotBucket(cluster_.stream), q)) {
      newest = std::max(newest.value_or(0), e->created_ms);
    }
  }
  if (!newest) {
    return std::nullopt;
  }
  return std::max<int64_t>(0, clock_.nowMs() - *newest);
}

}  // namespace livedash::app
