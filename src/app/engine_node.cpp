// src/app/engine_node.cpp
#include "app/engine_node.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "reactions/jetstream/cluster_names.hpp"
#include "reactions/jetstream/startup_retry.hpp"

namespace livedash::app {
namespace {

// How long JetStream remembers message ids. A publish retried after a lost acknowledgement
// comes well within it; so does an engine restart that republishes nothing.
constexpr int64_t kDuplicateWindowMs = 2 * 60 * 1000;

uint64_t sequenceOfSnapshot(const std::string& json) {
  core::Value v = core::parseJson(json);
  if (!v.isMap()) {
    return 0;
  }
  auto it = v.asMap().find("sequence");
  return it != v.asMap().end() && it->second.isInteger()
             ? static_cast<uint64_t>(it->second.asInteger())
             : 0;
}

}  // namespace

EngineNode::EngineNode(const config::ServerConfig& config, std::string node, EngineThread& engine)
    : cluster_(config.cluster), node_(std::move(node)), engine_(engine) {
  for (const config::QueryConfig& q : config.queries) {
    if (config::engineNodeOf(cluster_, q.id) == node_) {
      queries_.push_back(q.id);
    }
  }
  for (const config::EngineNodeConfig& other : cluster_.engines) {
    if (other.name != node_) {
      pinned_elsewhere_.insert(pinned_elsewhere_.end(), other.queries.begin(), other.queries.end());
    }
  }
  reactions::retryJetStreamStartup([this] { setUp(); });
  // Its query list fills as queries start here (queryStarted), config and operations API alike.
  publisher_ = std::make_unique<reactions::JetStreamPublisher>(
      *client_, cluster_.stream, std::vector<std::string>{},
      reactions::PublisherLimits{cluster_.max_queued_diffs, cluster_.max_queued_bytes});
  publisher_->setResyncRequest([this](const std::string& query) {
    engine_.post([this, query](engine::Engine& e) { snapshotNow(e, query, true); });
  });
  spdlog::info("engine node `{}`: {} queries, JetStream stream `{}` on {}", node_, queries_.size(),
               cluster_.stream, fmt::join(cluster_.servers, ", "));
}

void EngineNode::setUp() {
  client_.reset();
  client_ = std::make_unique<reactions::NatsClient>(
      reactions::NatsClientOptions{cluster_.servers, fmt::format("livedash {}", node_)});
  client_->ensureStream(cluster_.stream, {reactions::diffSubjects(cluster_.stream)},
                        cluster_.replicas, kDuplicateWindowMs);
  const std::string bucket = reactions::snapshotBucket(cluster_.stream);
  client_->ensureBucket(bucket, cluster_.replicas);
  for (const std::string& q : queries_) {
    last_sequences_[q] = readLastSequence(q);
  }
}

// The last diff may be older than the last snapshot: a query's bootstrap diffs are published,
// but a snapshot taken at start may follow a run that published none.
uint64_t EngineNode::readLastSequence(const std::string& query) {
  uint64_t last = 0;
  if (auto msg =
          client_->lastMessage(cluster_.stream, reactions::diffSubject(cluster_.stream, query))) {
    last = reactions::querySequenceOf(*msg);
  }
  if (auto snapshot = client_->get(reactions::snapshotBucket(cluster_.stream), query)) {
    last = std::max(last, sequenceOfSnapshot(*snapshot));
  }
  return last;
}

bool EngineNode::publishes(const std::string& query) const {
  return std::find(pinned_elsewhere_.begin(), pinned_elsewhere_.end(), query) ==
         pinned_elsewhere_.end();
}

uint64_t EngineNode::lastSequenceOf(const std::string& query) {
  if (!publishes(query)) {
    return 0;
  }
  {
    std::lock_guard lock(sequences_mutex_);
    auto it = last_sequences_.find(query);
    if (it != last_sequences_.end()) {
      return it->second;
    }
  }
  // A query created at run time: its id may have been published before (by an earlier run, or
  // before it was deleted), and its numbering must not repeat what readers have seen.
  uint64_t last = 0;
  try {
    last = readLastSequence(query);
  } catch (const core::Error& e) {
    throw core::Error(core::ErrorCode::SourceUnavailable,
                      fmt::format("query `{}` cannot start on engine node `{}` while JetStream "
                                  "does not answer ({}); retry",
                                  query, node_, e.what()));
  }
  std::lock_guard lock(sequences_mutex_);
  last_sequences_[query] = last;
  return last;
}

void EngineNode::queryStarted(const std::string& query) {
  if (!publishes(query)) {
    spdlog::warn(
        "engine node `{}`: query `{}` runs here but is not published: the config pins "
        "it to another engine node",
        node_, query);
    return;
  }
  publisher_->addQuery(query);
  if (started_) {
    // Behind the query's addition: edges can start from it before its first diff.
    engine_.post([this, query](engine::Engine& e) { snapshotNow(e, query, false); });
  }
}

void EngineNode::queryStopped(const std::string& query) {
  publisher_->removeQuery(query);
}

EngineNode::~EngineNode() {
  stop();
}

void EngineNode::attach() {
  publisher_->start();
  engine_.addReaction(publisher_.get());
}

void EngineNode::start() {
  started_ = true;
  requestSnapshots();
  timer_ = std::thread([this] { runTimer(); });
}

void EngineNode::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (timer_.joinable()) {
    timer_.join();
  }
  if (publisher_) {
    publisher_->stop();
  }
}

// Posted, not called: the snapshots queue on the engine thread behind the diffs they include.
void EngineNode::requestSnapshots() {
  engine_.post([this](engine::Engine& e) {
    for (const std::string& id : publisher_->queries()) {
      snapshotNow(e, id, false);
    }
  });
}

void EngineNode::snapshotNow(engine::Engine& engine, const std::string& query, bool resync) {
  const engine::ContinuousQuery* q = engine.findQuery(query);
  const bool usable = q && !q->error();
  if (!resync) {
    if (usable) {
      publisher_->onSnapshot(query, q->snapshot());
    }
    return;
  }
  if (!usable) {
    publisher_->resynced(query, nullptr);
    return;
  }
  engine::QuerySnapshot snapshot = q->snapshot();
  publisher_->resynced(query, &snapshot);
}

void EngineNode::runTimer() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(cluster_.snapshot_interval_ms),
                         [this] { return stopping_; })) {
    // A snapshot of a query that has not changed since the last one is rewritten anyway: it is
    // one put per interval, and it tells edges the engine is alive.
    requestSnapshots();
  }
}

}  // namespace livedash::app
