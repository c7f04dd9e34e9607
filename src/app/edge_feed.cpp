// src/app/edge_feed.cpp
#include "app/edge_feed.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "reactions/jetstream/cluster_names.hpp"

namespace livedash::app {
namespace {

//! How often the consuming thread looks at its stop flag.
constexpr int64_t kPollMs = 200;

}  // namespace

EdgeFeed::EdgeFeed(reactions::NatsClient& client, std::string stream, std::string query,
                   std::string channel, core::FrameSink& sink)
    : client_(client),
      stream_(std::move(stream)),
      query_(std::move(query)),
      channel_(std::move(channel)),
      sink_(sink) {}

EdgeFeed::~EdgeFeed() {
  stop();
}

void EdgeFeed::start() {
  thread_ = std::thread([this] { run(); });
}

void EdgeFeed::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

uint64_t EdgeFeed::startPosition() {
  std::optional<std::string> text = client_.get(reactions::snapshotBucket(stream_), query_);
  if (!text) {
    return 1;
  }
  // From the snapshot's own last diff (not the one after it), so that the replay log knows the
  // snapshot's sequence and a client joining with `?since=<query>:<that sequence>` is current
  // rather than ahead.
  core::Value snapshot = core::parseJson(*text);
  return std::max<uint64_t>(
      1, static_cast<uint64_t>(snapshot.asMap().at("stream_sequence").asInteger()));
}

// An engine restart jumps the query's numbering and rebuilds its result from a fresh bootstrap:
// the diffs after the jump do not apply to what connected clients hold. Sequence 0 keeps the
// message out of the replay log and sends it to every connected client.
void EdgeFeed::publishRestart() {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = channel_;
  frame->bytes = R"(data: {"type":"must-refetch","reason":"the engine restarted"})"
                 "\n\n";
  sink_.publish(std::move(frame));
}

void EdgeFeed::run() {
  const std::string subject = reactions::diffSubject(stream_, query_);
  uint64_t next = 0;  // stream sequence to resume at; 0: not decided yet
  int failures = 0;
  while (!stopping_) {
    try {
      if (next == 0) {
        next = startPosition();
      }
      reactions::NatsSubscriptionPtr sub = client_.subscribe(stream_, subject, next);
      failures = 0;
      while (!stopping_) {
        std::optional<reactions::StoredMessage> msg = sub->next(kPollMs);
        if (!msg) {
          continue;
        }
        next = msg->stream_sequence + 1;
        auto header = msg->headers.find(reactions::kSequenceHeader);
        const uint64_t sequence =
            header == msg->headers.end() ? 0 : std::strtoull(header->second.c_str(), nullptr, 10);
        // The stream holds each sequence once and in order; this guards the replay log's order.
        if (sequence <= last_sequence_.load()) {
          continue;
        }
        if (last_sequence_.load() != 0 && sequence != last_sequence_.load() + 1) {
          publishRestart();
        }
        auto frame = std::make_shared<core::Frame>();
        frame->channel = channel_;
        frame->sequence = sequence;
        frame->query = query_;
        frame->query_sequence = sequence;
        frame->bytes.reserve(msg->data.size() + 32);
        fmt::format_to(std::back_inserter(frame->bytes), "id: {}\ndata: ", sequence);
        frame->bytes.append(msg->data);
        frame->bytes.append("\n\n");
        last_sequence_.store(sequence);
        sink_.publish(std::move(frame));
      }
    } catch (const core::Error& e) {
      // Logged on the first failure and every tenth after; JetStream comes back by itself.
      if (failures++ % 10 == 0) {
        spdlog::warn("edge feed of `{}`: {}; retrying", query_, e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace livedash::app
