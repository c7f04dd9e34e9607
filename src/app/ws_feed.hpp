// src/app/ws_feed.hpp
//
// The engine's side of the WebSocket endpoint: answers subscribes with a snapshot (or a replay
// after `since`) and feeds each watched query's diffs and period values to the server. Its state
// lives on the engine thread, which also publishes every frame, so a snapshot and the diffs after
// it join with no gap and no duplicate (the ordering contract in server/ws_endpoint.hpp).
//
// Cost follows demand. A query that nobody watches is one failed hash lookup per diff: nothing is
// encoded or posted. Watchers are counted by their leases (atomics, released on IO threads). A
// diff of a watched query is encoded once and the same frame goes to every subscriber and into
// the query's replay log. When the last live watcher leaves, the log keeps recording for at most
// `replay_frames` more diffs, so that a client reconnecting with `since` within that window still
// gets a replay; then it stops and the query costs nothing again. A period nobody watches is
// never scheduled.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/engine_thread.hpp"
#include "core/frame.hpp"
#include "engine/query_diff.hpp"
#include "server/sse_replay_ring.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

struct WsFeedOptions {
  //! Diff frames kept per watched query for `since` resume.
  size_t replay_frames = 256;
};

class WsFeed final : public server::WsBackend {
 public:
  explicit WsFeed(EngineThread& engine, WsFeedOptions options = {});
  ~WsFeed() override;
  WsFeed(const WsFeed&) = delete;
  WsFeed& operator=(const WsFeed&) = delete;

  //! Where frames go. Set before the engine thread and the server start.
  void setEndpoint(server::WsEndpointSharedPtr endpoint) { endpoint_ = std::move(endpoint); }

  //! On an IO thread: queues the answer on the engine thread.
  void subscribe(server::WsSubscribeRequest request) override;

  //! On the engine thread, after the reactions. `diff_json` is the diff's JSON if a reaction
  //! already encoded it, else empty; filled in when this feed needs it.
  void onDiff(const engine::QueryDiff& diff, std::string& diff_json);
  //! On the engine thread: the next period boundary anyone waits for.
  std::optional<int64_t> nextWakeMs() const;
  //! On the engine thread: publishes the values of every period whose boundary has passed.
  void onWake(engine::Engine& engine, int64_t now_ms);

  //! On the engine thread, when a query is stopped or deleted: its replay log and snapshot no
  //! longer describe what a restarted query will hold, so a `since` resume gets a snapshot.
  //! Live watchers stay; the restarted query's next diff skips a sequence, which tells them to
  //! reload.
  void forgetQuery(const std::string& query_id);

  //! Frames encoded so far (diffs, snapshots, values). Any thread.
  uint64_t framesEncoded() const { return frames_encoded_.load(std::memory_order_relaxed); }

 private:
  using Counter = std::shared_ptr<std::atomic<size_t>>;
  static constexpr size_t kPeriods = 4;

  struct QueryFeed {
    //! Watchers per period (indexed by WsPeriod), shared with their leases.
    std::array<Counter, kPeriods> watchers;
    //! Present while it holds every diff of the query since it was created.
    std::optional<server::SseReplayRing> log;
    //! Diffs logged since the last live watcher left.
    size_t unwatched_diffs = 0;
    //! The live snapshot frame of the query's current sequence, shared by subscribes that
    //! arrive together (a reconnect storm).
    core::FrameConstSharedPtr snapshot;
  };

  void answer(engine::Engine& engine, const server::WsSubscribeRequest& request);
  //! The preamble of a live subscription: a replay after `since` when the log has it, else a
  //! snapshot.
  std::vector<core::FrameConstSharedPtr> livePreamble(QueryFeed& feed,
                                                      const engine::ContinuousQuery& query,
                                                      const server::WsSubscribeRequest& request);
  core::FrameConstSharedPtr encode(std::string channel, uint64_t sequence, std::string bytes);
  //! Drops the state of a query nobody watches and whose log has run out.
  void forgetIfIdle(std::unordered_map<std::string, QueryFeed>::iterator it);

  EngineThread& engine_;
  WsFeedOptions options_;
  server::WsEndpointSharedPtr endpoint_;
  //! Engine thread only.
  std::unordered_map<std::string, QueryFeed> queries_;
  //! Engine thread only: the next boundary of each period someone subscribed to.
  std::array<std::optional<int64_t>, kPeriods> next_boundary_;
  std::atomic<uint64_t> frames_encoded_{0};
};

}  // namespace livedash::app
