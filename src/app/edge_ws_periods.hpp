// src/app/edge_ws_periods.hpp
//
// On an edge, the WebSocket period subscriptions (`minute`, `hour`, `day`) of every query: a
// `value` at once, stamped with the start of the period the subscribe lands in, then one at each
// UTC-aligned boundary by the edge's clock, as a single process sends them (docs/websocket.md).
// A value is the query's result read as REST reads it (EdgeSnapshotReader), so every edge sends
// the same value for the same JetStream state. It needs no consumer: a read per watched query
// and boundary.
//
// One thread answers the subscribes and publishes the values, which is the ordering contract of
// server/ws_endpoint.hpp. It waits for a subscribe while no period is scheduled; a period is
// scheduled by its first subscribe and again at each boundary only while someone watches it.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/edge_ws_query.hpp"
#include "core/clock.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

class EdgeWsPeriods {
 public:
  //! `clock`, `endpoint` and `snapshots` must outlive the object.
  EdgeWsPeriods(const core::Clock& clock, server::WsEndpoint& endpoint,
                EdgeSnapshotReader snapshots);
  ~EdgeWsPeriods();
  EdgeWsPeriods(const EdgeWsPeriods&) = delete;
  EdgeWsPeriods& operator=(const EdgeWsPeriods&) = delete;

  //! Any thread, never blocks: the thread answers. `request.period` is not Live.
  void subscribe(server::WsSubscribeRequest request);
  //! The next boundary of `period` that is scheduled, if any (tests).
  std::optional<int64_t> nextBoundaryMs(server::WsPeriod period) const;

 private:
  using Counter = std::shared_ptr<std::atomic<size_t>>;
  static constexpr size_t kPeriods = 4;

  void run();
  void answer(const server::WsSubscribeRequest& request, int64_t now_ms);
  //! Publishes the values of every period whose boundary has passed, and reschedules it.
  void onWake(int64_t now_ms);
  //! The earliest scheduled boundary; 0: none.
  int64_t nextWakeMs() const;

  const core::Clock& clock_;
  server::WsEndpoint& endpoint_;
  EdgeSnapshotReader snapshots_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<server::WsSubscribeRequest> pending_;  //!< guarded by mutex_
  bool stopping_ = false;                           //!< guarded by mutex_

  //! The next boundary of each period (indexed by WsPeriod); 0: not scheduled. Written by the
  //! thread only, atomic for nextBoundaryMs().
  std::array<std::atomic<int64_t>, kPeriods> next_boundary_{};
  //! The thread only: each query's watchers per period, shared with their leases.
  std::map<std::string, std::array<Counter, kPeriods>> watchers_;
  std::thread thread_;
};

}  // namespace livedash::app
