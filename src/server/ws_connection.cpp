// src/server/ws_connection.cpp
//
// A WebSocket connection after its handshake. It reads like the SSE session does: it waits for
// the socket to become readable and drains it into a stack buffer, so an idle connection holds
// no read buffer and no pending read. Everything it sends (shared frames, replies, pings, pongs
// and the close frame) is pre-framed bytes in one queue, written with one gather write for all
// the frames that queued behind the write in flight. Liveness is the hub's sweep, not a timer
// per connection.
#include "server/ws_connection.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/write.hpp>

#include "server/trimmed_vector.hpp"
#include "server/ws_hub.hpp"
#include "server/ws_protocol.hpp"
#include "server/ws_session.hpp"
#include "server/ws_wire.hpp"

namespace livedash::server {

namespace {

//! The stack buffer one read drains the socket into.
constexpr size_t kReadChunkBytes = 4096;
//! Reads per readiness, so that a client that never stops sending cannot hold the IO thread.
constexpr int kReadsPerWake = 16;
//! A single frame that declares more than max_message_bytes times this is refused with 1009 and
//! no reason (docs/websocket.md); smaller oversized messages get a reason.
constexpr uint64_t kFrameBackstopFactor = 4;
//! The longest payload a control frame may have (RFC 6455 5.5).
constexpr uint64_t kMaxControlPayload = 125;

const core::FrameConstSharedPtr& pongMessage() {
  static const core::FrameConstSharedPtr frame = wsTextFrame(kWsPong);
  return frame;
}

const core::FrameConstSharedPtr& pingFrame() {
  static const core::FrameConstSharedPtr frame = [] {
    auto f = std::make_shared<core::Frame>();
    f->bytes = wsFrameBytes(WsOpcode::Ping, "");
    return core::FrameConstSharedPtr(std::move(f));
  }();
  return frame;
}

//! Close codes a peer may send (RFC 6455 7.4); anything else in a close frame is an error.
bool isSendableCloseCode(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

struct Subscription {
  std::string channel;
  std::string query;
  WsPeriod period = WsPeriod::Live;
  bool active = false;  //!< accepted; until then the subscribe is with the backend
  uint64_t last_sequence = 0;
  WsLease lease;
};

class WsConnection final : public WsSession, public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(tcp::socket socket, ConnectionSlot slot, WsHub& hub, const AccessToken* token)
      : socket_(std::move(socket)), slot_(std::move(slot)), hub_(hub), token_(token) {}

  ~WsConnection() override {
    leaveAll();
    if (registered_ && !ended_) {
      hub_.remove(id_);  // torn down with its IO context, before end()
    }
  }

  void start() {
    id_ = hub_.add(this);
    registered_ = true;
    heard_sweep_ = hub_.sweepCount();
    error_code ignored;
    socket_.non_blocking(true, ignored);  // for the drain in onReadable
    waitReadable();
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

  void sweep(uint32_t count) override {
    const uint32_t silent = count - heard_sweep_;  // whole sweeps since the client last sent
    if (silent > WsHub::kSweepsPerIdleTimeout) {
      end();  // silent for the whole idle timeout: cut off, as a dead peer cannot take a close
    } else if (silent > WsHub::kSweepsPerIdleTimeout / 2 && !pinged_) {
      pinged_ = true;
      enqueue(pingFrame());
    }
  }

 private:
  // Reading

  void waitReadable() {
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const error_code& ec) { self->onReadable(ec); });
  }

  void onReadable(const error_code& ec) {
    if (ec || ended_) {
      end();
      return;
    }
    char chunk[kReadChunkBytes];
    for (int i = 0; i < kReadsPerWake; ++i) {
      error_code read_ec;
      const size_t n = socket_.read_some(net::buffer(chunk), read_ec);
      if (read_ec == net::error::would_block) {
        break;
      }
      if (read_ec) {
        end();  // the peer went away
        return;
      }
      heard_sweep_ = hub_.sweepCount();
      pinged_ = false;
      unparsed_.append(chunk, n);
      consume();
      if (ended_) {
        return;
      }
    }
    if (unparsed_.empty()) {
      std::string().swap(unparsed_);  // an idle connection holds no read buffer
    }
    waitReadable();
  }

  //! Acts on every whole frame in unparsed_ and keeps the rest for the next read.
  void consume() {
    size_t at = 0;
    while (!ended_) {
      if (discard_ > 0) {
        const uint64_t n = std::min<uint64_t>(discard_, unparsed_.size() - at);
        at += n;
        discard_ -= n;
        if (discard_ > 0) {
          break;
        }
        continue;
      }
      const std::string_view rest = std::string_view(unparsed_).substr(at);
      const std::optional<WsFrameHead> head = parseWsFrameHead(rest);
      if (!head) {
        break;
      }
      // While closing, only the client's close frame matters: skip the rest unbuffered.
      const bool wanted = closing_ ? head->opcode == static_cast<uint8_t>(WsOpcode::Close) &&
                                         head->length <= kMaxControlPayload
                                   : acceptable(*head);
      if (!wanted) {
        discard_ = head->header_bytes + head->length;
        continue;
      }
      if (rest.size() - head->header_bytes < head->length) {
        break;  // the payload is still coming (bounded: acceptable() checked its size)
      }
      std::string payload(rest.substr(head->header_bytes, head->length));
      unmaskWsPayload(*head, payload);
      at += head->header_bytes + head->length;
      onFrame(*head, std::move(payload));
    }
    unparsed_.erase(0, std::min(at, unparsed_.size()));
  }

  //! Whether a frame with `head` may be read; if not, the close has begun.
  bool acceptable(const WsFrameHead& head) {
    const uint8_t op = head.opcode;
    const bool control = isWsControl(op);
    const bool continuation = op == static_cast<uint8_t>(WsOpcode::Continuation);
    if (!head.masked || head.reserved_bits || !isWsKnownOpcode(op) ||
        (control && (!head.fin || head.length > kMaxControlPayload)) ||
        (!control && continuation != in_message_)) {
      startClose(static_cast<uint16_t>(WsCloseCode::ProtocolError), "");
      return false;
    }
    if (control) {
      return true;
    }
    const uint64_t max = hub_.config().options.max_message_bytes;
    if (op == static_cast<uint8_t>(WsOpcode::Binary)) {
      startClose(WsCloseCode::UnsupportedData,
                 wsCloseReason("binary_frame", "messages are JSON text frames"));
    } else if (head.length > max * kFrameBackstopFactor) {
      startClose(static_cast<uint16_t>(WsCloseCode::TooBig), "");
    } else if (message_.size() + head.length > max) {
      startClose(WsCloseCode::TooBig,
                 wsCloseReason("message_too_big",
                               "a message may have at most " + std::to_string(max) + " bytes"));
    } else {
      return true;
    }
    return false;
  }

  void onFrame(const WsFrameHead& head, std::string payload) {
    switch (static_cast<WsOpcode>(head.opcode)) {
      case WsOpcode::Ping:
        enqueue(pongFrame(payload));
        return;
      case WsOpcode::Pong:
        return;
      case WsOpcode::Close:
        onClose(payload);
        return;
      default:
        break;
    }
    in_message_ = !head.fin;
    message_ += payload;
    if (in_message_) {
      return;
    }
    std::string text;
    text.swap(message_);
    if (!isValidUtf8(text)) {
      startClose(static_cast<uint16_t>(WsCloseCode::InvalidPayload), "");
      return;
    }
    handle(parseWsClientMessage(text));
  }

  static core::FrameConstSharedPtr pongFrame(std::string_view payload) {
    auto frame = std::make_shared<core::Frame>();
    frame->bytes = wsFrameBytes(WsOpcode::Pong, payload);
    return frame;
  }

  void onClose(std::string_view payload) {
    if (closing_) {
      end();  // the answer to ours: the server ends the TCP connection
      return;
    }
    // The client closes: answer with its code, then end the connection once that is written.
    uint16_t code = 0;
    if (payload.size() >= 2) {
      code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) |
                                   static_cast<uint8_t>(payload[1]));
    }
    if (payload.size() == 1 || (code != 0 && !isSendableCloseCode(code))) {
      code = static_cast<uint16_t>(WsCloseCode::ProtocolError);
    }
    peer_closed_ = true;
    startClose(code, "");
  }

  // The protocol

  void handle(WsClientMessage message) {
    if (auto* s = std::get_if<WsSubscribe>(&message)) {
      subscribe(std::move(*s));
    } else if (auto* u = std::get_if<WsUnsubscribe>(&message)) {
      unsubscribe(*u);
    } else if (std::holds_alternative<WsPing>(message)) {
      enqueue(pongMessage());
    } else if (auto* f = std::get_if<WsFatal>(&message)) {
      startClose(f->code, f->reason);
    } else if (auto* r = std::get_if<WsRecoverable>(&message)) {
      enqueue(wsTextFrame(r->message));
    }
  }

  void subscribe(WsSubscribe s) {
    if (token_ && !token_->allowsQuery(s.query)) {
      enqueue(wsTextFrame(wsErrorMessage(s.query, s.period, core::ErrorCode::Forbidden,
                                         "token `" + token_->name + "` may not read this query")));
      return;
    }
    std::string channel = wsChannel(s.query, s.period);
    if (find(channel, true) || find(channel, false)) {
      enqueue(wsTextFrame(
          wsErrorMessage(s.query, s.period, core::ErrorCode::Conflict, "already subscribed")));
      return;
    }
    if (subs_.size() >= hub_.config().options.max_subscriptions) {
      enqueue(wsTextFrame(wsErrorMessage(s.query, s.period, core::ErrorCode::BadRequest,
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
      enqueue(wsTextFrame(
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

  // Writing

  void enqueue(core::FrameConstSharedPtr frame) {
    if (closing_ || ended_) {
      return;
    }
    pending_.push_back(std::move(frame));
    if (!write_in_flight_) {
      startWrite();
    }
  }

  //! A client that lets frames pile up is told to refetch and closed, so that it costs the
  //! others nothing and its memory stays bounded.
  void checkBacklog() {
    if (!closing_ && pending_.size() > hub_.config().options.max_queued_frames) {
      hub_.config().dropped_clients->fetch_add(1, std::memory_order_relaxed);
      startClose(WsCloseCode::TryAgainLater,
                 wsCloseReason("must-refetch",
                               "the client fell too far behind; reload, then subscribe again"));
    }
  }

  void startWrite() {
    writing_.swap(pending_);
    for (const core::FrameConstSharedPtr& frame : writing_) {
      buffers_.emplace_back(frame->bytes.data(), frame->bytes.size());
    }
    write_in_flight_ = true;
    writing_close_ = closing_;  // once closing, the close frame is all that is queued
    net::async_write(socket_, std::span<const net::const_buffer>(buffers_),
                     [self = shared_from_this()](const error_code& ec, size_t bytes) {
                       self->onWrite(ec, bytes);
                     });
  }

  void onWrite(const error_code& ec, size_t bytes) {
    write_in_flight_ = false;
    if (!ec) {
      hub_.countSent(writing_.size(), bytes);
    }
    clearAndTrim(writing_);
    clearAndTrim(buffers_);
    if (ec) {
      end();
    } else if (ended_) {
      return;
    } else if (!pending_.empty()) {
      startWrite();
    } else if (writing_close_ && peer_closed_) {
      end();  // answered the client's close: the server ends the TCP connection first
    }
  }

  void startClose(WsCloseCode code, std::string_view reason) {
    startClose(static_cast<uint16_t>(code), reason);
  }

  //! Leaves every channel at once and queues the close frame (`code` 0: none) behind the write
  //! in flight, if any, dropping what else was queued. A peer that neither takes it nor answers
  //! within the grace period is cut off without it.
  void startClose(uint16_t code, std::string_view reason) {
    if (closing_ || ended_) {
      return;
    }
    closing_ = true;
    leaveAll();
    clearAndTrim(pending_);
    pending_.push_back(wsCloseFrame(code, reason));
    armGrace();
    if (!write_in_flight_) {
      startWrite();
    }
  }

  void armGrace() {
    grace_ = std::make_unique<net::steady_timer>(socket_.get_executor());
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
    clearAndTrim(pending_);  // writing_ stays until the aborted write completes
    if (registered_) {
      hub_.remove(id_);
    }
    if (grace_) {
      grace_->cancel();
    }
    error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  ConnectionSlot slot_;
  WsHub& hub_;
  const AccessToken* token_;
  std::vector<Subscription> subs_;
  std::string unparsed_;  //!< received bytes not yet a whole frame
  std::string message_;   //!< a fragmented message's payload so far
  uint64_t discard_ = 0;  //!< bytes still to skip of a frame that is not read
  std::vector<core::FrameConstSharedPtr> pending_;  //!< queued while a write is in flight
  std::vector<core::FrameConstSharedPtr> writing_;  //!< the write in flight
  std::vector<net::const_buffer> buffers_;
  std::unique_ptr<net::steady_timer> grace_;  //!< only once closing
  uint64_t id_ = 0;
  uint32_t heard_sweep_ = 0;  //!< the hub's sweep count when the client last sent anything
  bool pinged_ = false;       //!< a keep-alive ping went out since the client last sent
  bool in_message_ = false;   //!< between a fragmented message's first and last frame
  bool registered_ = false;
  bool write_in_flight_ = false;
  bool writing_close_ = false;
  bool closing_ = false;      //!< the close frame is queued or sent: nothing else goes out
  bool peer_closed_ = false;  //!< the client sent its close first
  bool ended_ = false;
};

}  // namespace

void serveWsConnection(tcp::socket socket, ConnectionSlot slot, WsHub& hub,
                       const AccessToken* token) {
  std::make_shared<WsConnection>(std::move(socket), std::move(slot), hub, token)->start();
}

}  // namespace livedash::server
