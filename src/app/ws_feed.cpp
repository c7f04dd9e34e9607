// src/app/ws_feed.cpp
#include "app/ws_feed.hpp"

#include <fmt/format.h>

#include "app/ws_lease.hpp"
#include "app/ws_messages.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::app {

using server::WsPeriod;

namespace {

size_t index(WsPeriod period) {
  return static_cast<size_t>(period);
}

}  // namespace

WsFeed::WsFeed(EngineThread& engine, WsFeedOptions options) : engine_(engine), options_(options) {}

WsFeed::~WsFeed() = default;

void WsFeed::subscribe(server::WsSubscribeRequest request) {
  engine_.post([this, request = std::move(request)](engine::Engine& e) { answer(e, request); });
}

core::FrameConstSharedPtr WsFeed::encode(std::string channel, uint64_t sequence,
                                         std::string bytes) {
  frames_encoded_.fetch_add(1, std::memory_order_relaxed);
  return wsFrame(std::move(channel), sequence, std::move(bytes));
}

void WsFeed::answer(engine::Engine& e, const server::WsSubscribeRequest& r) {
  const engine::ContinuousQuery* query = e.findQuery(r.query);
  if (!query) {
    wsReject(*endpoint_, r, core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", r.query));
    return;
  }
  if (query->error()) {
    wsReject(*endpoint_, r, core::ErrorCode::QueryFailed,
             fmt::format("query `{}` failed: {}", r.query, *query->error()));
    return;
  }
  std::string channel = server::wsChannel(r.query, r.period);
  QueryFeed& feed = queries_[r.query];
  Counter& counter = feed.watchers[index(r.period)];
  if (!counter) {
    counter = std::make_shared<std::atomic<size_t>>(0);
  }
  server::WsLease held = wsLease(counter);
  if (r.period == WsPeriod::Live) {
    std::vector<core::FrameConstSharedPtr> preamble = livePreamble(feed, *query, r);
    endpoint_->accept(r.subscriber, std::move(channel), std::move(preamble), query->sequence(),
                      std::move(held));
    return;
  }
  // A period subscription starts with the value of the period it lands in, then one at each
  // boundary; value frames stand outside the sequence (the same sequence may repeat).
  const int64_t start = server::wsPeriodStart(r.period, e.clock().nowMs());
  std::optional<int64_t>& next = next_boundary_[index(r.period)];
  if (!next) {
    next = start + server::wsPeriodMs(r.period);
  }
  auto value = encode(channel, 0, wsValueMessage(r.query, r.period, start, query->snapshot()));
  endpoint_->accept(r.subscriber, std::move(channel), {std::move(value)}, 0, std::move(held));
}

std::vector<core::FrameConstSharedPtr> WsFeed::livePreamble(QueryFeed& feed,
                                                            const engine::ContinuousQuery& query,
                                                            const server::WsSubscribeRequest& r) {
  const uint64_t sequence = query.sequence();
  std::vector<core::FrameConstSharedPtr> preamble;
  if (r.since && *r.since <= sequence) {
    // A client that holds everything (since == sequence) needs no log at all.
    preamble.push_back(nullptr);
    const bool replayed =
        *r.since == sequence || (feed.log && feed.log->collectAfter(*r.since, preamble) ==
                                                 server::SseReplayRing::Resume::Replay);
    if (replayed) {
      preamble.front() = encode(server::wsChannel(r.query, WsPeriod::Live), 0,
                                wsResumedMessage(r.query, *r.since, sequence));
    } else {
      preamble.clear();
    }
  }
  if (!feed.log) {
    // From now on every diff is logged, until nobody has watched for a while.
    feed.log.emplace(options_.replay_frames);
    feed.unwatched_diffs = 0;
  }
  if (preamble.empty()) {
    if (!feed.snapshot || feed.snapshot->sequence != sequence) {
      engine::QuerySnapshot snapshot = query.snapshot();
      feed.snapshot = encode(server::wsChannel(r.query, WsPeriod::Live), sequence,
                             wsSnapshotMessage(r.query, snapshot));
    }
    preamble.push_back(feed.snapshot);
  }
  return preamble;
}

void WsFeed::onDiff(const engine::QueryDiff& diff, std::string& diff_json) {
  auto it = queries_.find(diff.query_id);
  if (it == queries_.end()) {
    return;  // nobody watches: no work at all
  }
  QueryFeed& feed = it->second;
  feed.snapshot.reset();
  const bool live = wsWatched(feed.watchers[index(WsPeriod::Live)]);
  if (live) {
    feed.unwatched_diffs = 0;
  } else if (feed.log && feed.unwatched_diffs < options_.replay_frames) {
    ++feed.unwatched_diffs;
  } else {
    feed.log.reset();
    forgetIfIdle(it);
    return;
  }
  if (!feed.log) {
    return;
  }
  if (diff_json.empty()) {
    diff_json = engine::diffJson(diff);
  }
  core::FrameConstSharedPtr frame = encode(server::wsChannel(diff.query_id, WsPeriod::Live),
                                           diff.sequence, wsDiffMessage(diff_json));
  feed.log->push(frame);
  if (live) {
    endpoint_->publish(std::move(frame));
  }
}

void WsFeed::forgetQuery(const std::string& query_id) {
  auto it = queries_.find(query_id);
  if (it == queries_.end())
    return;
  // A fresh log, not none: a live watcher's diffs are published through it. Starting empty, it
  // can only replay what comes after the restart.
  if (it->second.log)
    it->second.log.emplace(options_.replay_frames);
  it->second.snapshot.reset();
}

void WsFeed::forgetIfIdle(std::unordered_map<std::string, QueryFeed>::iterator it) {
  for (const Counter& counter : it->second.watchers) {
    if (wsWatched(counter)) {
      return;
    }
  }
  if (!it->second.log) {
    queries_.erase(it);
  }
}

std::optional<int64_t> WsFeed::nextWakeMs() const {
  std::optional<int64_t> earliest;
  for (const std::optional<int64_t>& next : next_boundary_) {
    if (next && (!earliest || *next < *earliest)) {
      earliest = next;
    }
  }
  return earliest;
}

void WsFeed::onWake(engine::Engine& e, int64_t now_ms) {
  for (size_t p = 1; p < kPeriods; ++p) {
    std::optional<int64_t>& next = next_boundary_[p];
    if (!next || now_ms < *next) {
      continue;
    }
    // One value per boundary we wake at: a clock that jumps several boundaries gets the latest.
    const auto period = static_cast<WsPeriod>(p);
    const int64_t boundary = server::wsPeriodStart(period, now_ms);
    bool anyone = false;
    for (auto it = queries_.begin(); it != queries_.end();) {
      auto current = it++;
      if (!wsWatched(current->second.watchers[p])) {
        continue;
      }
      anyone = true;
      const engine::ContinuousQuery* query = e.findQuery(current->first);
      if (!query || query->error()) {
        continue;
      }
      endpoint_->publish(
          encode(server::wsChannel(current->first, period), 0,
                 wsValueMessage(current->first, period, boundary, query->snapshot())));
    }
    // A period nobody watches any more is not scheduled again.
    next = anyone ? std::optional<int64_t>(boundary + server::wsPeriodMs(period)) : std::nullopt;
  }
}

}  // namespace livedash::app
