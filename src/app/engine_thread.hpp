// src/app/engine_thread.hpp
//
// Runs the engine on its own thread. Sources hand it batches (as a ChangeSink, never blocking);
// HTTP handlers ask it questions with call(), which waits for the answer. Every diff is encoded
// to JSON once, on this thread, and handed to the reactions that subscribe to its query.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/change.hpp"
#include "engine/engine.hpp"
#include "reactions/reaction.hpp"

namespace livedash::app {

class WsFeed;

class EngineThread final : public core::ChangeSink, private engine::DiffSink {
 public:
  explicit EngineThread(const core::Clock& clock);
  ~EngineThread() override;

  //! The reaction gets the diffs of its queries from the next transaction on. Before start(),
  //! or from any thread but the engine's once it runs.
  void addReaction(reactions::Reaction* reaction);
  //! Once this returns, the engine thread no longer uses the reaction, so it may be destroyed.
  //! Same threads as addReaction.
  void removeReaction(const reactions::Reaction* reaction);
  //! The WebSocket feed sees every diff after the reactions, and its period boundaries wake
  //! this thread like the engine's futures. Set before start().
  void setWsFeed(WsFeed* feed) { ws_feed_ = feed; }
  void start();
  void stop();

  void onBatch(core::ChangeBatch&& batch) override;
  void post(std::function<void(engine::Engine&)> task);

  //! Runs `fn` on the engine thread and returns its result (or rethrows its exception).
  template <class Fn>
  auto call(Fn&& fn) -> decltype(fn(std::declval<engine::Engine&>())) {
    using Result = decltype(fn(std::declval<engine::Engine&>()));
    auto task = std::make_shared<std::packaged_task<Result(engine::Engine&)>>(std::forward<Fn>(fn));
    std::future<Result> result = task->get_future();
    post([task](engine::Engine& e) { (*task)(e); });
    return result.get();
  }

  //! Where a query's last published sequence is recorded before its diff reaches a reaction
  //! (see SequenceStore); null: nowhere. On the engine thread, or before start().
  void setSequenceSlot(const std::string& query_id, uint64_t* slot);

  //! Batches applied so far (for tests and metrics).
  uint64_t appliedBatches() const { return applied_.load(); }
  //! Row changes applied so far, and diffs handed to reactions (for the metrics).
  uint64_t appliedChanges() const { return applied_changes_.load(); }
  uint64_t diffsOut() const { return diffs_out_.load(); }
  //! Tasks waiting for the engine thread: source batches and calls (for the metrics).
  size_t queueDepth() const { return queued_.load(std::memory_order_relaxed); }
  //! Told of every diff on the engine thread, before the reactions; it must be quick (the
  //! metrics' latency histogram). Set before start().
  void setDiffObserver(std::function<void(const engine::QueryDiff&)> observer) {
    diff_observer_ = std::move(observer);
  }

 private:
  void onDiff(const engine::QueryDiff& diff) override;
  void run();
  bool running() const { return thread_.joinable(); }
  std::optional<int64_t> nextDueMs() const;
  void fireDue();
  void applyBacklog();

  engine::Engine engine_;
  std::vector<reactions::Reaction*> reactions_;
  WsFeed* ws_feed_ = nullptr;
  std::map<std::string, uint64_t*> sequence_slots_;
  std::mutex mutex_;
  std::condition_variable wake_;
  //! A task, or (when `task` is empty) a source batch.
  struct Work {
    std::function<void(engine::Engine&)> task;
    core::ChangeBatch batch;
  };
  std::deque<Work> work_;
  void enqueue(Work work);
  //! Consecutive batches taken off the queue together (kept to reuse its buffer).
  std::vector<core::ChangeBatch> backlog_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> applied_changes_{0};
  std::atomic<uint64_t> diffs_out_{0};
  std::atomic<size_t> queued_{0};
  std::function<void(const engine::QueryDiff&)> diff_observer_;
};

}  // namespace livedash::app
