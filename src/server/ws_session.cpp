// src/server/ws_session.cpp
//
// The WebSocket translation unit: Beast's websocket stream stays here. A session reads client
// messages (in chunks, so that an oversized one is refused with a reason before it is buffered),
// acts on them through ws_protocol and the backend, and writes shared frames one message at a
// time from a bounded queue. Frames are text messages sent unfragmented and uncompressed, so
// Beast writes each frame's bytes as they are: one encode serves every subscriber.
#include "server/ws_session.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "server/auth.hpp"
#include "server/frame_queue.hpp"
#include "server/ws_hub.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

//! Each read asks for at most this much, so the size check runs before a big message is held.
//! Small, because Beast reserves it in the read buffer while the read waits, and an idle
//! connection always has a read waiting (clients send little: subscribes and pings).
constexpr size_t kReadChunkBytes = 256;
//! Beast refuses a single frame that declares more than max_message_bytes times this (with
//! 1009 and no reason); smaller oversized messages reach our own check and get a reason.
constexpr size_t kFrameBackstopFactor = 4;
//! Read buffer capacity kept between messages.
constexpr size_t kKeptReadCapacity = 4096;

core::FrameConstSharedPtr textFrame(std::string bytes) {
  auto frame = std::make_shared<core::Frame>();
  frame->bytes = std::move(bytes);
  return frame;
}

const core::FrameConstSharedPtr& pongFrame() {
  static const core::FrameConstSharedPtr frame = textFrame(std::string(kWsPong));
  return frame;
}

struct Subscription {
  std::string channel;
  std::string query;
  WsPeriod period = WsPeriod::Live;
  bool active = false;  //!< accepted; until then the subscribe is with the backend
  uint64_t last_sequence = 0;
  WsLease lease;
};

class BeastWsSession final : public WsSession, public std::enable_shared_from_this<BeastWsSession> {
 public:
  BeastWsSession(tcp::socket socket, ConnectionSlot slot, WsHub& hub)
      : ws_(std::move(socket)), slot_(std::move(slot)), hub_(hub) {}

  ~BeastWsSession() override {
    leaveAll();
    if (registered_ && !ended_) {
      hub_.remove(id_);  // torn down with its IO context, before end()
    }
  }

  void start(const HttpRequest& request) {
    token_ = request.token;
    http::request<http::empty_body> upgrade{http::verb::get, request.target, 11};
    for (const auto& [name, value] : request.headers) {
      upgrade.insert(name, value);
    }
    const WsOptions& o = hub_.config().options;
    auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.idle_timeout = std::chrono::seconds(o.idle_timeout_seconds);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "livedash"); }));
    ws_.read_message_max(o.max_message_bytes * kFrameBackstopFactor);
    ws_.auto_fragment(false);
    ws_.text(true);
    // Beast answers a bad handshake with its own 400 and completes with an error.
    ws_.async_accept(upgrade,
                     [self = shared_from_this()](const error_code& ec) { self->onHandshake(ec); });
  }

  uint64_t id() const override { return id_; }

  void deliver(const core::FrameConstSharedPtr& frame) override {
    Subscription* sub = find(frame->channel, true);
    if (!sub) {
      return;
    }
    if (frame->sequence != 0) {
      if (frame->sequence <= sub->last_sequence) {
        return;
      }
      sub->last_sequence = frame->sequence;
    }
    enqueue(frame);
    checkBacklog();
  }

  void accepted(const std::string& channel, std::vector<core::FrameConstSharedPtr> preamble,
                uint64_t last_sequence, WsLease lease) override {
    Subscription* sub = find(channel, false);
    if (!sub || closing_) {
      return;  // unsubscribed meanwhile: the lease ends here
    }
    sub->active = true;
    sub->last_sequence = last_sequence;
    sub->lease = std::move(lease);
    hub_.join(channel, this);
    for (core::FrameConstSharedPtr& frame : preamble) {
      enqueue(std::move(frame));
    }
    checkBacklog();
  }

  void rejected(const std::string& channel, core::FrameConstSharedPtr error) override {
    auto it = std::find_if(subs_.begin(), subs_.end(), [&](const Subscription& s) {
      return s.channel == channel && !s.active;
    });
    if (it != subs_.end()) {
      subs_.erase(it);
      enqueue(std::move(error));
    }
  }

 private:
  void onHandshake(const error_code& ec) {
    if (ec) {
      return;  // the socket closes with the session
    }
    id_ = hub_.add(this);
    registered_ = true;
    doRead();
  }

  void doRead() {
    ws_.async_read_some(
        read_buffer_, kReadChunkBytes,
        [self = shared_from_this()](const error_code& ec, size_t) { self->onRead(ec); });
  }

  void onRead(const error_code& ec) {
    if (ec) {
      end();
      return;
    }
    if (closing_) {
      read_buffer_.clear();  // the close handshake is under way: discard what still comes
    } else if (ws_.got_binary()) {
      startClose(WsCloseCode::UnsupportedData,
                 wsCloseReason("binary_frame", "messages are JSON text frames"));
    } else if (read_buffer_.size() > hub_.config().options.max_message_bytes) {
      startClose(
          WsCloseCode::TooBig,
          wsCloseReason("message_too_big",
                        "a message may have at most " +
                            std::to_string(hub_.config().options.max_message_bytes) + " bytes"));
    } else if (ws_.is_message_done()) {
      const auto data = read_buffer_.cdata();
      handle(parseWsClientMessage(
          std::string_view(static_cast<const char*>(data.data()), data.size())));
      read_buffer_.clear();
      if (read_buffer_.capacity() > kKeptReadCapacity) {
        read_buffer_.shrink_to_fit();
      }
    }
    doRead();
  }

  void handle(WsClientMessage message) {
    if (auto* s = std::get_if<WsSubscribe>(&message)) {
      subscribe(std::move(*s));
    } else if (auto* u = std::get_if<WsUnsubscribe>(&message)) {
      unsubscribe(*u);
    } else if (std::holds_alternative<WsPing>(message)) {
      enqueue(pongFrame());
    } else if (auto* f = std::get_if<WsFatal>(&message)) {
      startClose(f->code, std::move(f->reason));
    } else if (auto* r = std::get_if<WsRecoverable>(&message)) {
      enqueue(textFrame(std::move(r->message)));
    }
  }

  void subscribe(WsSubscribe s) {
    if (token_ && !token_->allowsQuery(s.query)) {
      enqueue(textFrame(wsErrorMessage(s.query, s.period, core::ErrorCode::Forbidden,
                                       "token `" + token_->name + "` may not read this query")));
      return;
    }
    std::string channel = wsChannel(s.query, s.period);
    if (find(channel, true) || find(channel, false)) {
      enqueue(textFrame(
          wsErrorMessage(s.query, s.period, core::ErrorCode::Conflict, "already subscribed")));
      return;
    }
    if (subs_.size() >= hub_.config().options.max_subscriptions) {
      enqueue(textFrame(wsErrorMessage(s.query, s.period, core::ErrorCode::BadRequest,
                                       "too many subscriptions on one connection")));
      return;
    }
    subs_.push_back(Subscription{channel, s.query, s.period});
    hub_.config().backend->subscribe(WsSubscribeRequest{WsSubscriber{hub_.thread(), id_},
                                                        std::move(s.query), s.period, s.since});
  }

  void unsubscribe(const WsUnsubscribe& u) {
    auto matches = [&](const Subscription& s) {
      return s.query == u.query && (!u.period || s.period == *u.period);
    };
    const size_t before = subs_.size();
    for (Subscription& s : subs_) {
      if (matches(s) && s.active) {
        hub_.leave(s.channel, this);
      }
    }
    std::erase_if(subs_, matches);
    if (subs_.size() == before) {
      enqueue(textFrame(
          wsErrorMessage(u.query, u.period, core::ErrorCode::NotFound, "not subscribed")));
    }
  }

  Subscription* find(const std::string& channel, bool active) {
    for (Subscription& s : subs_) {
      if (s.active == active && s.channel == channel) {
        return &s;
      }
    }
    return nullptr;
  }

  void leaveAll() {
    for (Subscription& s : subs_) {
      if (s.active) {
        hub_.leave(s.channel, this);
      }
    }
    subs_.clear();
  }

  void enqueue(core::FrameConstSharedPtr frame) {
    if (closing_ || ended_) {
      return;
    }
    queue_.push(std::move(frame));
    if (!writing_) {
      doWrite();
    }
  }

  //! A client that lets frames pile up is told to refetch and closed, so that it costs the
  //! others nothing and its memory stays bounded.
  void checkBacklog() {
    if (!closing_ && queue_.size() > hub_.config().options.max_queued_frames) {
      hub_.config().dropped_clients->fetch_add(1, std::memory_order_relaxed);
      startClose(WsCloseCode::TryAgainLater,
                 wsCloseReason("must-refetch",
                               "the client fell too far behind; reload, then subscribe again"));
    }
  }

  void doWrite() {
    writing_ = true;
    const core::Frame& frame = *queue_.front();
    ws_.async_write(
        net::buffer(frame.bytes.data(), frame.bytes.size()),
        [self = shared_from_this()](const error_code& ec, size_t) { self->onWrite(ec); });
  }

  void onWrite(const error_code& ec) {
    writing_ = false;
    if (!ec) {
      hub_.countSent(queue_.front()->bytes.size());
    }
    queue_.pop();
    if (ec) {
      end();
    } else if (closing_) {
      sendClose();
    } else if (!queue_.empty()) {
      doWrite();
    }
  }

  //! Leaves every channel at once; the close frame follows the write in flight, if any. A
  //! peer that does not take that write within the grace period is cut off without it.
  void startClose(WsCloseCode code, std::string reason) {
    if (closing_ || ended_) {
      return;
    }
    closing_ = true;
    leaveAll();
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    dropQueued();
    if (writing_) {
      armGrace();
    } else {
      sendClose();
    }
  }

  //! Drops every queued frame but the one being written, whose bytes the write still reads.
  void dropQueued() { queue_.truncate(writing_ ? 1 : 0); }

  void sendClose() {
    // The close frame can stall behind a peer that does not read, like the write before it: the
    // same grace applies, then the connection is cut. The read loop ends it sooner when the
    // client answers the close.
    armGrace();
    ws_.async_close(close_reason_, [self = shared_from_this()](const error_code& ec) {
      if (ec) {
        self->end();
      }
    });
  }

  //! Ends the connection after the overflow grace, unless it ends first.
  void armGrace() {
    if (grace_) {
      grace_->cancel();
    }
    grace_ = std::make_unique<net::steady_timer>(ws_.get_executor());
    grace_->expires_after(std::chrono::milliseconds(hub_.config().options.overflow_grace_ms));
    grace_->async_wait([self = shared_from_this()](const error_code& wait_ec) {
      if (!wait_ec) {
        self->end();
      }
    });
  }

  //! The connection is over: leave the hub and close the socket. Idempotent.
  void end() {
    if (ended_) {
      return;
    }
    ended_ = true;
    leaveAll();
    dropQueued();
    if (registered_) {
      hub_.remove(id_);
    }
    if (grace_) {
      grace_->cancel();
    }
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  websocket::stream<tcp::socket> ws_;
  ConnectionSlot slot_;
  WsHub& hub_;
  //! The token the upgrade was authorized with (null when auth is off): checked per subscribe.
  const AccessToken* token_ = nullptr;
  beast::flat_buffer read_buffer_;
  std::vector<Subscription> subs_;
  //! Frames to write; the front one is in flight while writing_.
  FrameQueue queue_;
  std::unique_ptr<net::steady_timer> grace_;  //!< only while a close waits on a stalled write
  websocket::close_reason close_reason_;
  uint64_t id_ = 0;
  bool registered_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

}  // namespace

void startWsSession(tcp::socket socket, HttpRequest request, ConnectionSlot slot, WsHub& hub) {
  std::make_shared<BeastWsSession>(std::move(socket), std::move(slot), hub)->start(request);
}

}  // namespace livedash::server
