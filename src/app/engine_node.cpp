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
  reactions::retryJetStreamStartup([this] { setUp(); });
  publisher_ = std::make_unique<reactions::JetStreamPublisher>(*client_, cluster_.stream, queries_);
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
  // The last diff may be older than the last snapshot: a query's bootstrap diffs are published,
  // but a snapshot taken at start may follow a run that published none.
  for (const std::string& q : queries_) {
    uint64_t last = 0;
    if (auto msg =
            client_->lastMessage(cluster_.stream, reactions::diffSubject(cluster_.stream, q))) {
      auto it = msg->headers.find(reactions::kSequenceHeader);
      if (it != msg->headers.end()) {
        last = std::strtoull(it->second.c_str(), nullptr, 10);
      }
    }
    if (auto snapshot = client_->get(bucket, q)) {
      last = std::max(last, sequenceOfSnapshot(*snapshot));
    }
    last_sequences_[q] = last;
  }
}

EngineNode::~EngineNode() {
  stop();
}

void EngineNode::attach() {
  publisher_->start();
  engine_.addReaction(publisher_.get());
}

void EngineNode::start() {
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
    for (const std::string& id : queries_) {
      const engine::ContinuousQuery* q = e.findQuery(id);
      if (q && !q->error()) {
        publisher_->onSnapshot(id, q->snapshot());
      }
    }
  });
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
