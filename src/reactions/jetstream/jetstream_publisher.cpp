// src/reactions/jetstream/jetstream_publisher.cpp
#include "reactions/jetstream/jetstream_publisher.hpp"

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
                                       std::vector<std::string> queries)
    : client_(client),
      stream_(std::move(stream)),
      bucket_(snapshotBucket(stream_)),
      queries_(std::move(queries)) {}

JetStreamPublisher::~JetStreamPublisher() {
  stop(0);
}

void JetStreamPublisher::onDiff(const engine::QueryDiff& diff, const std::string& diff_json) {
  std::lock_guard lock(mutex_);
  items_.push_back(Item{diff.query_id, diff.sequence, false, diff_json});
  depth_.store(items_.size());
  wake_.notify_one();
}

void JetStreamPublisher::onSnapshot(const std::string& query,
                                    const engine::QuerySnapshot& snapshot) {
  // Encoded here, on the engine thread, because the snapshot's rows are only valid now.
  std::string rows = engine::rowsJson(snapshot);
  std::lock_guard lock(mutex_);
  items_.push_back(Item{query, snapshot.sequence, true, std::move(rows)});
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
      depth_.store(items_.size());
      busy_ = true;
    }
    publishWithRetry(item);
  }
}

void JetStreamPublisher::publishWithRetry(const Item& item) {
  core::Backoff backoff(50, 2000);
  for (;;) {
    try {
      if (item.snapshot) {
        auto it = last_stream_sequence_.find(item.query);
        uint64_t after = it == last_stream_sequence_.end() ? 0 : it->second;
        client_.put(bucket_, item.query,
                    fmt::format(R"({{"sequence":{},"stream_sequence":{},"data":{}}})",
                                item.sequence, after, item.body));
      } else {
        last_stream_sequence_[item.query] = client_.publish(
            diffSubject(stream_, item.query), item.body, diffMessageId(item.query, item.sequence),
            {{kSequenceHeader, std::to_string(item.sequence)}});
      }
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
