// src/app/edge_ws_query.cpp
#include "app/edge_ws_query.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/edge_start_point.hpp"
#include "app/ws_lease.hpp"
#include "app/ws_messages.hpp"
#include "core/error.hpp"
#include "reactions/jetstream/cluster_names.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::app {
namespace {

//! How long the thread waits for a message before it looks at new subscribes and its watchers.
constexpr int64_t kPollMs = 50;
//! How long the catch-up waits for a message it knows is there.
constexpr int64_t kReadTimeoutMs = 5'000;

}  // namespace

EdgeWsQuery::EdgeWsQuery(reactions::NatsClient& client, EdgeWsQueryOptions options,
                         server::WsEndpoint& endpoint, EdgeSnapshotReader snapshots)
    : client_(client),
      options_(std::move(options)),
      subject_(reactions::diffSubject(options_.stream, options_.query)),
      channel_(server::wsChannel(options_.query, server::WsPeriod::Live)),
      endpoint_(endpoint),
      snapshots_(std::move(snapshots)),
      watchers_(std::make_shared<std::atomic<size_t>>(0)),
      log_(options_.replay_frames) {
  thread_ = std::thread([this] { run(); });
}

EdgeWsQuery::~EdgeWsQuery() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void EdgeWsQuery::subscribe(server::WsSubscribeRequest request) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(request));
  }
  wake_.notify_one();
}

void EdgeWsQuery::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pending_.empty() && !active_) {
      wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      continue;
    }
    std::optional<server::WsSubscribeRequest> request;
    if (!pending_.empty()) {
      request = std::move(pending_.front());
      pending_.pop_front();
    }
    lock.unlock();
    try {
      if (request) {
        if (!active_) {
          start(*request);
        }
        answer(*request);
      } else {
        if (!sub_) {
          sub_ = client_.subscribe(options_.stream, subject_, next_);
        }
        if (std::optional<reactions::StoredMessage> msg = sub_->next(kPollMs)) {
          follow(*msg);
        }
        stopWhenIdle();
      }
    } catch (const core::Error& e) {
      // JetStream moving a leader or out of reach: the subscriber is told, the consumer reopens.
      spdlog::warn("edge WebSocket feed of `{}`: {}", options_.query, e.what());
      sub_.reset();
      if (request) {
        wsReject(endpoint_, *request, core::ErrorCode::SourceUnavailable,
                 "JetStream did not answer; retry");
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
    lock.lock();
  }
}

void EdgeWsQuery::start(const server::WsSubscribeRequest& first) {
  const uint64_t from =
      std::max<uint64_t>(1, edgeStartPoint(client_, options_.stream, options_.query, first.since,
                                           options_.replay_frames));
  std::optional<reactions::StoredMessage> last = client_.lastMessage(options_.stream, subject_);
  sub_ = client_.subscribe(options_.stream, subject_, from);
  next_ = from;
  active_ = true;
  open_ = true;
  idle_ = false;
  while (last && next_ <= last->stream_sequence) {
    std::optional<reactions::StoredMessage> msg = sub_->next(kReadTimeoutMs);
    if (!msg) {
      throw core::Error(core::ErrorCode::Internal,
                        fmt::format("jetstream: timed out reading `{}`", subject_));
    }
    follow(*msg);
  }
}

void EdgeWsQuery::stop() {
  sub_.reset();
  active_ = false;
  open_ = false;
  log_.clear();
  last_sequence_ = 0;
}

void EdgeWsQuery::stopWhenIdle() {
  if (watchers_->load() > 0) {
    idle_ = false;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!idle_) {
    idle_ = true;
    idle_since_ = now;
  } else if (now - idle_since_ >= std::chrono::milliseconds(options_.idle_ms)) {
    stop();
  }
}

void EdgeWsQuery::follow(const reactions::StoredMessage& msg) {
  next_ = msg.stream_sequence + 1;
  const uint64_t sequence = reactions::querySequenceOf(msg);
  // The stream holds each sequence once and in order; this guards the log's order. A restarted
  // engine's jump goes out as it is: watchers see the skipped sequence and reload.
  if (sequence <= last_sequence_) {
    return;
  }
  last_sequence_ = sequence;
  core::FrameConstSharedPtr frame = wsFrame(channel_, sequence, wsDiffMessage(msg.data));
  log_.push(frame);
  endpoint_.publish(std::move(frame));
}

void EdgeWsQuery::answer(const server::WsSubscribeRequest& r) {
  server::WsLease held = wsLease(watchers_);
  idle_ = false;
  std::vector<core::FrameConstSharedPtr> preamble;
  if (r.since && *r.since <= last_sequence_) {
    preamble.push_back(nullptr);
    if (*r.since == last_sequence_ ||
        log_.collectAfter(*r.since, preamble) == server::SseReplayRing::Resume::Replay) {
      preamble.front() = wsFrame(channel_, 0, wsResumedMessage(r.query, *r.since, last_sequence_));
      endpoint_.accept(r.subscriber, channel_, std::move(preamble), last_sequence_,
                       std::move(held));
      return;
    }
    preamble.clear();
  }
  // A snapshot as REST reads it: at or past what this thread published, or else the log
  // bridges it to there.
  EdgeQueryResults snapshot = snapshots_(options_.query);
  preamble.push_back(wsFrame(channel_, snapshot.sequence,
                             wsSnapshotMessage(r.query, snapshot.sequence, snapshot.rows_json)));
  if (snapshot.sequence < last_sequence_) {
    log_.collectAfter(snapshot.sequence, preamble);
  }
  endpoint_.accept(r.subscriber, channel_, std::move(preamble),
                   std::max(snapshot.sequence, last_sequence_), std::move(held));
}

}  // namespace livedash::app
