// src/app/edge_ws_periods.cpp
#include "app/edge_ws_periods.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "app/ws_lease.hpp"
#include "app/ws_messages.hpp"
#include "core/error.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::app {

using server::WsPeriod;

namespace {

//! The longest the thread sleeps while a boundary is scheduled. It reads the clock rather than
//! sleeping to the boundary because the clock may be stepped (tests) or corrected (NTP); a value
//! is at most this late.
constexpr int64_t kPollMs = 50;

}  // namespace

EdgeWsPeriods::EdgeWsPeriods(const core::Clock& clock, server::WsEndpoint& endpoint,
                             EdgeSnapshotReader snapshots)
    : clock_(clock), endpoint_(endpoint), snapshots_(std::move(snapshots)) {
  thread_ = std::thread([this] { run(); });
}

EdgeWsPeriods::~EdgeWsPeriods() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void EdgeWsPeriods::subscribe(server::WsSubscribeRequest request) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(request));
  }
  wake_.notify_one();
}

std::optional<int64_t> EdgeWsPeriods::nextBoundaryMs(WsPeriod period) const {
  const int64_t next = next_boundary_[static_cast<size_t>(period)].load();
  return next == 0 ? std::nullopt : std::optional<int64_t>(next);
}

int64_t EdgeWsPeriods::nextWakeMs() const {
  int64_t earliest = 0;
  for (const std::atomic<int64_t>& next : next_boundary_) {
    const int64_t at = next.load();
    if (at != 0 && (earliest == 0 || at < earliest)) {
      earliest = at;
    }
  }
  return earliest;
}

void EdgeWsPeriods::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const int64_t next = nextWakeMs();
    const int64_t now = clock_.nowMs();
    if (pending_.empty() && (next == 0 || now < next)) {
      auto ready = [&] { return stopping_ || !pending_.empty(); };
      if (next == 0) {
        wake_.wait(lock, ready);  // nothing scheduled: no wake-ups at all
      } else {
        wake_.wait_for(lock, std::chrono::milliseconds(std::min(kPollMs, next - now)), ready);
      }
      continue;
    }
    std::deque<server::WsSubscribeRequest> requests;
    requests.swap(pending_);
    lock.unlock();
    // Boundaries first: a subscribe answered at this instant already gets the new period's
    // value and must not get it twice.
    onWake(now);
    for (const server::WsSubscribeRequest& r : requests) {
      answer(r, now);
    }
    lock.lock();
  }
}

void EdgeWsPeriods::answer(const server::WsSubscribeRequest& r, int64_t now_ms) {
  std::string channel = server::wsChannel(r.query, r.period);
  EdgeQueryResults value;
  try {
    value = snapshots_(r.query);
  } catch (const core::Error& e) {
    wsReject(endpoint_, r, e.code(), e.what());
    return;
  }
  const auto p = static_cast<size_t>(r.period);
  Counter& counter = watchers_[r.query][p];
  if (!counter) {
    counter = std::make_shared<std::atomic<size_t>>(0);
  }
  const int64_t start = server::wsPeriodStart(r.period, now_ms);
  if (next_boundary_[p].load() == 0) {
    next_boundary_[p] = start + server::wsPeriodMs(r.period);
  }
  auto frame = wsFrame(channel, 0,
                       wsValueMessage(r.query, r.period, start, value.sequence, value.rows_json));
  endpoint_.accept(r.subscriber, std::move(channel), {std::move(frame)}, 0, wsLease(counter));
}

void EdgeWsPeriods::onWake(int64_t now_ms) {
  for (size_t p = 1; p < kPeriods; ++p) {
    const int64_t next = next_boundary_[p].load();
    if (next == 0 || now_ms < next) {
      continue;
    }
    // One value per boundary we wake at: a clock that jumps several boundaries gets the latest.
    const auto period = static_cast<WsPeriod>(p);
    const int64_t boundary = server::wsPeriodStart(period, now_ms);
    bool anyone = false;
    for (const auto& [query, counters] : watchers_) {
      if (!wsWatched(counters[p])) {
        continue;
      }
      anyone = true;
      try {
        EdgeQueryResults value = snapshots_(query);
        endpoint_.publish(
            wsFrame(server::wsChannel(query, period), 0,
                    wsValueMessage(query, period, boundary, value.sequence, value.rows_json)));
      } catch (const core::Error& e) {
        // JetStream out of reach or the query gone: this boundary has no value; the next may.
        spdlog::warn("edge WebSocket {} value of `{}`: {}", server::wsPeriodName(period), query,
                     e.what());
      }
    }
    // A period nobody watches any more is not scheduled again.
    next_boundary_[p] = anyone ? boundary + server::wsPeriodMs(period) : 0;
  }
  // Queries nobody watches in any period are forgotten.
  std::erase_if(watchers_, [](const auto& entry) {
    return std::none_of(entry.second.begin(), entry.second.end(),
                        [](const Counter& c) { return wsWatched(c); });
  });
}

}  // namespace livedash::app
