// src/server/sse_stream.cpp
#include <charconv>
#include <string_view>

#include <boost/asio/post.hpp>

#include "server/sse_session.hpp"
#include "server/sse_stream_impl.hpp"

namespace livedash::server {

namespace {

core::FrameConstSharedPtr makeFrame(const std::string& channel, std::string bytes) {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = channel;
  frame->bytes = std::move(bytes);
  return frame;
}

core::FrameConstSharedPtr mustRefetch(const std::string& channel, std::string_view reason) {
  std::string bytes = R"(data: {"type":"must-refetch","reason":")";
  bytes.append(reason);
  bytes.append("\"}\n\n");
  return makeFrame(channel, std::move(bytes));
}

bool parseSequence(std::string_view text, uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::vector<AccessToken> joined(const std::vector<AccessToken>& a,
                                const std::vector<AccessToken>& b) {
  std::vector<AccessToken> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

SseStreamImpl::SseStreamImpl(SseStreamOptions options,
                             const std::vector<AccessToken>& server_tokens)
    : options_(std::move(options)),
      auth_(joined(server_tokens, options_.tokens)),
      ring_(options_.replay_frames, options_.replay_bytes) {
  const std::string& channel = options_.path;
  hub_config_.channel = channel;
  hub_config_.heartbeat_interval_ms = options_.heartbeat_interval_ms;
  hub_config_.max_queued_frames = options_.max_queued_frames;
  hub_config_.overflow_grace_ms = options_.overflow_grace_ms;
  hub_config_.lagging_frame = mustRefetch(channel, "subscriber fell too far behind");
  hub_config_.client_count = &clients_;
  hub_config_.dropped_count = &dropped_;
  hub_config_.write_latency = &write_latency_;
  too_old_frame_ = mustRefetch(channel, "the resume point is older than the replay log");
  ahead_frame_ = mustRefetch(channel, "the resume point is ahead of this stream");
  bad_id_frame_ = mustRefetch(channel, "last-event-id is not a sequence number");
}

SseStreamImpl::~SseStreamImpl() = default;

void SseStreamImpl::publish(core::FrameConstSharedPtr frame) {
  if (!frame) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (frame->sequence != 0) {
    ring_.push(frame);
  }
  if (!attached_) {
    return;
  }
  for (const std::unique_ptr<SseHub>& hub : hubs_) {
    net::post(hub->context(), [hub = hub.get(), frame] { hub->deliver(frame); });
  }
}

void SseStreamImpl::resetReplay() {
  std::lock_guard lock(mutex_);
  ring_.clear();
}

size_t SseStreamImpl::clientCount() const {
  return clients_.load(std::memory_order_relaxed);
}

uint64_t SseStreamImpl::droppedClients() const {
  return dropped_.load(std::memory_order_relaxed);
}

void SseStreamImpl::attach(const std::vector<net::io_context*>& contexts) {
  std::lock_guard lock(mutex_);
  hubs_.clear();
  for (net::io_context* ioc : contexts) {
    hubs_.push_back(std::make_unique<SseHub>(*ioc, hub_config_));
    hubs_.back()->startHeartbeat();
  }
  attached_ = true;
}

void SseStreamImpl::detach() {
  std::lock_guard lock(mutex_);
  attached_ = false;
  for (const std::unique_ptr<SseHub>& hub : hubs_) {
    hub->stopHeartbeat();
  }
}

void SseStreamImpl::releaseHubs() {
  std::lock_guard lock(mutex_);
  hubs_.clear();
}

core::FrameConstSharedPtr SseStreamImpl::responseHead(const HeaderList& headers) const {
  std::string head =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n"
      "Connection: keep-alive\r\n";
  for (const auto& [name, value] : headers) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("\r\nretry: ").append(std::to_string(options_.retry_ms)).append("\n\n");
  return makeFrame(options_.path, std::move(head));
}

void SseStreamImpl::connect(size_t thread, tcp::socket socket, SseSubscribe subscribe) {
  if (thread >= hubs_.size()) {
    return;  // not attached: the server is stopping; dropping the socket closes it
  }
  if (options_.on_subscribe) {
    subscribe.hold = options_.on_subscribe(subscribe.resume);
  }
  std::vector<core::FrameConstSharedPtr> preamble;
  preamble.push_back(responseHead(subscribe.headers));
  uint64_t last_sequence = 0;
  {
    std::lock_guard lock(mutex_);
    last_sequence = ring_.lastSequence();
    uint64_t client_id = 0;
    const std::optional<std::string>& last_event_id = subscribe.resume.last_event_id;
    std::optional<SseReplayRing::Resume> resume;
    if (last_event_id) {
      std::optional<std::vector<QueryPosition>> positions;
      if (parseSequence(*last_event_id, client_id)) {
        resume = ring_.collectAfter(client_id, preamble);
      } else if ((positions = parseSinceList(*last_event_id))) {
        // A stream whose ids are its queries' positions (an edge's stream of several queries).
        resume = ring_.collectSince(*positions, preamble);
      } else {
        preamble.push_back(bad_id_frame_);
      }
    } else if (!subscribe.resume.since.empty()) {
      resume = ring_.collectSince(subscribe.resume.since, preamble);
    }
    if (resume) {
      switch (*resume) {
        case SseReplayRing::Resume::Replay:
          break;
        case SseReplayRing::Resume::TooOld:
          preamble.push_back(too_old_frame_);
          break;
        case SseReplayRing::Resume::Ahead:
          preamble.push_back(ahead_frame_);
          break;
      }
    }
  }
  if (subscribe.queries) {
    // A filtered subscriber's replay holds only its queries; the ids still tell it where it is.
    std::erase_if(preamble, [&](const core::FrameConstSharedPtr& frame) {
      return frame->sequence != 0 && !filterAllows(subscribe.queries, frame->query);
    });
  }
  auto session =
      std::make_shared<SseSession>(std::move(socket), *hubs_[thread], std::move(subscribe.queries),
                                   std::move(subscribe.slot), std::move(subscribe.hold));
  session->start(std::move(preamble), last_sequence);
}

}  // namespace livedash::server
