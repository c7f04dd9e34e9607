// src/app/edge_feed.cpp
#include "app/edge_feed.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/edge_start_point.hpp"
#include "core/error.hpp"
#include "reactions/jetstream/cluster_names.hpp"

namespace livedash::app {
namespace {

//! How often a consuming thread looks at its stop flag and at the feed's clients.
constexpr int64_t kPollMs = 200;
//! How long the catch-up waits for a message it knows is there.
constexpr int64_t kReadTimeoutMs = 5'000;

//! Where the client holds `query` up to, from its `Last-Event-ID` (a number on a one-query
//! stream, a `since` list on others) or its `?since=`; nullopt: it joins live.
std::optional<uint64_t> resumeAfter(const server::SseResumePoint& resume, const std::string& query,
                                    bool one_query) {
  std::vector<server::QueryPosition> since = resume.since;
  if (resume.last_event_id) {
    const std::string& id = *resume.last_event_id;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (one_query && ec == std::errc() && end == id.data() + id.size()) {
      return n;
    }
    since = server::parseSinceList(id).value_or(std::vector<server::QueryPosition>{});
  }
  for (const server::QueryPosition& p : since) {
    if (p.query == query) {
      return p.sequence;
    }
  }
  return std::nullopt;
}

}  // namespace

EdgeFeed::EdgeFeed(reactions::NatsClient& client, EdgeFeedOptions options)
    : client_(client),
      options_(std::move(options)),
      open_(options_.queries.size()),
      positions_(options_.queries.size()) {
  for (const std::string& q : options_.queries) {
    Cursor c;
    c.query = q;
    c.subject = reactions::diffSubject(options_.stream, q);
    cursors_.push_back(std::move(c));
  }
}

EdgeFeed::~EdgeFeed() {
  std::lock_guard lock(life_mutex_);
  stopping_ = true;
  joinAll();
}

std::shared_ptr<void> EdgeFeed::subscribe(const server::SseResumePoint& resume) {
  std::lock_guard lock(life_mutex_);
  ++clients_;
  if (!running_) {
    // Threads of an earlier run stopped themselves when it went idle: they are ending.
    stopping_ = true;
    joinAll();
    stopping_ = false;
    start(resume);
    running_ = true;
  }
  // A session that ends after the feed is gone (at shutdown) finds nothing to release.
  return std::shared_ptr<void>(nullptr, [weak = weak_from_this()](void*) {
    if (std::shared_ptr<EdgeFeed> feed = weak.lock()) {
      feed->release();
    }
  });
}

void EdgeFeed::release() {
  std::lock_guard lock(life_mutex_);
  if (--clients_ == 0) {
    idle_since_ = std::chrono::steady_clock::now();
  }
}

void EdgeFeed::stopWhenIdle() {
  // subscribe() holds the mutex while it joins the threads: never wait for it here.
  std::unique_lock lock(life_mutex_, std::try_to_lock);
  if (!lock || !running_ || clients_ > 0 ||
      std::chrono::steady_clock::now() - idle_since_ <
          std::chrono::milliseconds(options_.idle_ms)) {
    return;
  }
  running_ = false;
  stopping_ = true;
}

void EdgeFeed::joinAll() {
  for (Cursor& c : cursors_) {
    if (c.thread.joinable()) {
      c.thread.join();
    }
  }
}

bool EdgeFeed::consuming(const std::string& query) const {
  for (size_t i = 0; i < cursors_.size(); ++i) {
    if (cursors_[i].query == query && open_[i].load()) {
      return true;
    }
  }
  return false;
}

void EdgeFeed::open(Cursor& cursor) {
  cursor.sub = client_.subscribe(options_.stream, cursor.subject, cursor.next);
  open_[&cursor - cursors_.data()] = true;
}

void EdgeFeed::close(Cursor& cursor) {
  cursor.sub.reset();
  open_[&cursor - cursors_.data()] = false;
}

void EdgeFeed::start(const server::SseResumePoint& resume) {
  // Nobody was connected while nothing consumed: what the log holds may end before a gap.
  sink_->resetReplay();
  {
    std::lock_guard lock(publish_mutex_);
    std::fill(positions_.begin(), positions_.end(), 0);
  }
  try {
    catchUp(resume);
  } catch (const core::Error& e) {
    // The threads read on from where the catch-up got; this client may get `must-refetch`.
    spdlog::warn("edge stream `{}`: catching up: {}; retrying", options_.channel, e.what());
  }
  for (Cursor& c : cursors_) {
    c.thread = std::thread([this, &c] { run(c); });
  }
}

// Every query is read from the same stream position and the messages are published in stream
// order, so that an id listing several queries is true when it is sent: the first message of
// each query follows its own previous diff, which is the position the id gives it until then.
void EdgeFeed::catchUp(const server::SseResumePoint& resume) {
  const bool one_query = cursors_.size() == 1;
  uint64_t from = 0;
  for (Cursor& c : cursors_) {
    c.last_sequence = 0;
    c.next = 0;  // if the catch-up fails before it is set, the thread starts at the snapshot
    close(c);
    const uint64_t start =
        edgeStartPoint(client_, options_.stream, c.query, resumeAfter(resume, c.query, one_query),
                       options_.replay_frames);
    if (start != 0) {
      from = from == 0 ? start : std::min(from, start);
    }
  }
  from = std::max<uint64_t>(from, 1);
  std::vector<std::pair<size_t, reactions::StoredMessage>> messages;
  for (size_t i = 0; i < cursors_.size(); ++i) {
    Cursor& c = cursors_[i];
    c.next = from;
    std::optional<reactions::StoredMessage> last = client_.lastMessage(options_.stream, c.subject);
    open(c);
    if (!last || last->stream_sequence < from) {
      continue;
    }
    for (;;) {
      std::optional<reactions::StoredMessage> msg = c.sub->next(kReadTimeoutMs);
      if (!msg) {
        throw core::Error(core::ErrorCode::Internal,
                          fmt::format("jetstream: timed out reading `{}`", c.subject));
      }
      c.next = msg->stream_sequence + 1;
      const uint64_t end = last->stream_sequence;
      messages.emplace_back(i, std::move(*msg));
      if (messages.back().second.stream_sequence >= end) {
        break;
      }
    }
  }
  std::stable_sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) {
    return a.second.stream_sequence < b.second.stream_sequence;
  });
  {
    std::lock_guard lock(publish_mutex_);
    for (const auto& [index, msg] : messages) {
      if (positions_[index] == 0) {
        positions_[index] = reactions::querySequenceOf(msg) - 1;
      }
    }
  }
  for (const auto& [index, msg] : messages) {
    publish(index, msg);
  }
}

void EdgeFeed::run(Cursor& cursor) {
  int failures = 0;
  while (!stopping_) {
    try {
      if (!cursor.sub) {
        if (cursor.next == 0) {
          cursor.next = std::max<uint64_t>(
              1, edgeStartPoint(client_, options_.stream, cursor.query, std::nullopt, 0));
        }
        open(cursor);
      }
      std::optional<reactions::StoredMessage> msg = cursor.sub->next(kPollMs);
      failures = 0;
      if (msg) {
        cursor.next = msg->stream_sequence + 1;
        publish(static_cast<size_t>(&cursor - cursors_.data()), *msg);
      }
      stopWhenIdle();
    } catch (const core::Error& e) {
      close(cursor);
      // Logged on the first failure and every tenth after; JetStream comes back by itself.
      if (failures++ % 10 == 0) {
        spdlog::warn("edge feed of `{}`: {}; retrying", cursor.query, e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
    }
  }
  close(cursor);
}

// The query's numbering jumped: an engine restarted (and rebuilt its result from a fresh
// bootstrap), or its publisher dropped diffs while JetStream was away and republished the
// snapshot. Either way the diffs after the jump do not apply to what clients hold. Sequence 0 keeps
// the message out of the replay log and sends it to every connected client; the log itself is
// dropped, so that a client resuming from before the jump is told too.
void EdgeFeed::publishRestart() {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = options_.channel;
  frame->bytes =
      R"json(data: {"type":"must-refetch","reason":"the query's sequence jumped (an engine restart, or diffs dropped while JetStream was away)"})json"
      "\n\n";
  sink_->publish(std::move(frame));
  sink_->resetReplay();
}

void EdgeFeed::publish(size_t index, const reactions::StoredMessage& msg) {
  Cursor& cursor = cursors_[index];
  const uint64_t sequence = reactions::querySequenceOf(msg);
  std::lock_guard lock(publish_mutex_);
  // The stream holds each sequence once and in order; this guards the replay log's order.
  if (sequence <= cursor.last_sequence) {
    return;
  }
  if (cursor.last_sequence != 0 && sequence != cursor.last_sequence + 1) {
    publishRestart();
  }
  cursor.last_sequence = sequence;
  positions_[index] = sequence;
  auto frame = std::make_shared<core::Frame>();
  frame->channel = options_.channel;
  frame->query = cursor.query;
  frame->query_sequence = sequence;
  frame->bytes.reserve(msg.data.size() + 64);
  if (cursors_.size() == 1) {
    frame->sequence = sequence;
    fmt::format_to(std::back_inserter(frame->bytes), "id: {}\ndata: ", sequence);
  } else {
    // This edge's own counter orders its replay log; clients only see the positions.
    frame->sequence = ++frames_;
    frame->bytes.append("id: ");
    bool first = true;
    for (size_t i = 0; i < cursors_.size(); ++i) {
      if (positions_[i] == 0) {
        continue;
      }
      fmt::format_to(std::back_inserter(frame->bytes), "{}{}:{}", first ? "" : ",",
                     cursors_[i].query, positions_[i]);
      first = false;
    }
    frame->bytes.append("\ndata: ");
  }
  frame->bytes.append(msg.data);
  frame->bytes.append("\n\n");
  sink_->publish(std::move(frame));
}

}  // namespace livedash::app
