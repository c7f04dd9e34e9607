// src/reactions/jetstream/jetstream_publisher.cpp
#include "reactions/jetstream/jetstream_publisher.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/backoff.hpp"
#include "core/error.hpp"
#include "reactions/jetstream/cluster_names.hpp"

namespace livedash::reactions {
namespace {

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

JetStreamPublisher::JetStreamPublisher(NatsClient& client, std::string stream,
                                       std::vector<std::string> queries, PublisherLimits limits)
    : client_(client),
      stream_(std::move(stream)),
      bucket_(snapshotBucket(stream_)),
      queries_(std::move(queries)),
      limits_(limits) {}

JetStreamPublisher::~JetStreamPublisher() {
  stop(0);
}

void JetStreamPublisher::addQuery(const std::string& query) {
  if (std::find(queries_.begin(), queries_.end(), query) == queries_.end()) {
    queries_.push_back(query);
  }
}

void JetStreamPublisher::removeQuery(const std::string& query) {
  std::erase(queries_, query);
}

void JetStreamPublisher::onDiff(const engine::QueryDiff& diff, const std::string& diff_json) {
  std::lock_guard lock(mutex_);
  auto dropped = dropped_.find(diff.query_id);
  if (dropped != dropped_.end()) {
    ++dropped->second;
    dropped_diffs_.fetch_add(1);
    return;
  }
  items_.push_back(Item{diff.query_id, diff.sequence, Kind::Diff, diff_json});
  ++queued_diffs_;
  queued_bytes_ += diff_json.size();
  if (queued_diffs_ > limits_.max_diffs || queued_bytes_ > limits_.max_bytes) {
    dropLocked(diff.query_id);
  }
  queuedLocked();
}

void JetStreamPublisher::dropLocked(const std::string& query) {
  const size_t diffs_before = queued_diffs_;
  const size_t bytes_before = queued_bytes_;
  uint64_t removed = 0;
  std::erase_if(items_, [&](const Item& item) {
    if (item.query != query) {
      return false;
    }
    if (item.kind == Kind::Diff) {
      --queued_diffs_;
      queued_bytes_ -= item.body.size();
      ++removed;
    }
    return true;
  });
  dropped_[query] = removed;
  dropped_diffs_.fetch_add(removed);
  items_.push_back(Item{query, 0, Kind::Resync, {}});
  spdlog::error(
      "jetstream: the publish queue is full ({} diffs, {} bytes; limits {} and {}) while "
      "JetStream takes no writes: dropped the {} queued diffs of query `{}`. Once JetStream "
      "answers, its snapshot is republished at its current sequence; readers see the jump and "
      "reload it",
      diffs_before, bytes_before, limits_.max_diffs, limits_.max_bytes, removed, query);
}

void JetStreamPublisher::onSnapshot(const std::string& query,
                                    const engine::QuerySnapshot& snapshot) {
  {
    // dropped_ changes on this thread only; the lock is for the queue below.
    std::lock_guard lock(mutex_);
    if (dropped_.count(query)) {
      return;
    }
  }
  // Encoded here, on the engine thread, because the snapshot's rows are only valid now.
  std::string rows = engine::rowsJson(snapshot);
  std::lock_guard lock(mutex_);
  queueSnapshotLocked(query, snapshot.sequence, std::move(rows));
}

void JetStreamPublisher::resynced(const std::string& query, const engine::QuerySnapshot* snapshot) {
  std::string rows = snapshot ? engine::rowsJson(*snapshot) : std::string();
  std::lock_guard lock(mutex_);
  auto dropped = dropped_.find(query);
  if (dropped == dropped_.end()) {
    return;
  }
  spdlog::warn(
      "jetstream: JetStream answers again; query `{}` is published again from its snapshot at "
      "sequence {} ({} diffs were dropped while the queue was full)",
      query, snapshot ? snapshot->sequence : 0, dropped->second);
  dropped_.erase(dropped);
  if (snapshot) {
    queueSnapshotLocked(query, snapshot->sequence, std::move(rows));
  }
}

void JetStreamPublisher::queueSnapshotLocked(const std::string& query, uint64_t sequence,
                                             std::string rows) {
  std::erase_if(
      items_, [&](const Item& item) { return item.kind == Kind::Snapshot && item.query == query; });
  items_.push_back(Item{query, sequence, Kind::Snapshot, std::move(rows)});
  queuedLocked();
}

void JetStreamPublisher::queuedLocked() {
  depth_.store(items_.size());
  wake_.notify_one();
}

void JetStreamPublisher::start() {
  thread_ = std::thread([this] { run(); });
}

void JetStreamPublisher::stop(int64_t drain_ms) {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) {
      return;
    }
    stopping_ = true;
    drain_deadline_ms_ = steadyMs() + drain_ms;
    wake_.notify_all();
  }
  thread_.join();
}

bool JetStreamPublisher::waitIdleForTest(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [this] { return items_.empty() && !busy_; });
}

void JetStreamPublisher::run() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(mutex_);
      busy_ = false;
      idle_.notify_all();
      wake_.wait(lock, [this] { return stopping_ || !items_.empty(); });
      if (items_.empty() || (stopping_ && steadyMs() > drain_deadline_ms_)) {
        return;
      }
      item = std::move(items_.front());
      items_.pop_front();
      if (item.kind == Kind::Diff) {
        --queued_diffs_;
        queued_bytes_ -= item.body.size();
      }
      depth_.store(items_.size());
      busy_ = true;
    }
    publishWithRetry(item);
  }
}

void JetStreamPublisher::attempt(const Item& item) {
  switch (item.kind) {
    case Kind::Diff:
      last_stream_sequence_[item.query] = client_.publish(
          diffSubject(stream_, item.query), item.body, diffMessageId(item.query, item.sequence),
          {{kSequenceHeader, std::to_string(item.sequence)}});
      return;
    case Kind::Snapshot: {
      auto it = last_stream_sequence_.find(item.query);
      uint64_t after = it == last_stream_sequence_.end() ? 0 : it->second;
      client_.put(bucket_, item.query,
                  fmt::format(R"({{"sequence":{},"stream_sequence":{},"data":{}}})", item.sequence,
                              after, item.body));
      return;
    }
    case Kind::Resync:
      // A JetStream request that needs the stream's leader: the snapshot asked for next is
      // taken now that it can be published.
      client_.lastMessage(stream_, diffSubject(stream_, item.query));
      if (resync_request_) {
        resync_request_(item.query);
      }
      return;
  }
}

void JetStreamPublisher::publishWithRetry(const Item& item) {
  core::Backoff backoff(50, 2000);
  for (;;) {
    try {
      attempt(item);
      return;
    } catch (const core::Error& e) {
      // Logged on the first failure and every tenth after, not on each retry.
      if (backoff.attempts() % 10 == 0) {
        spdlog::warn("{} (query `{}` sequence {}); retrying", e.what(), item.query, item.sequence);
      }
    }
    retries_.fetch_add(1);
    std::unique_lock lock(mutex_);
    if (stopping_ && steadyMs() > drain_deadline_ms_) {
      spdlog::error("jetstream: giving up on {} queued items at shutdown", items_.size() + 1);
      return;
    }
    // New items must not cut the wait short: they queue behind this one anyway.
    wake_.wait_for(lock, std::chrono::milliseconds(backoff.nextDelayMs()),
                   [this] { return stopping_ && steadyMs() > drain_deadline_ms_; });
  }
}

}  // namespace livedash::reactions
