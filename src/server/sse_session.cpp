// src/server/sse_session.cpp
#include "server/sse_session.hpp"

#include <chrono>
#include <span>

#include <boost/asio/write.hpp>

#include "server/sse_hub.hpp"
#include "server/trimmed_vector.hpp"

namespace livedash::server {

SseSession::SseSession(tcp::socket socket, SseHub& hub, QueryFilterConstSharedPtr queries,
                       ConnectionSlot slot, std::shared_ptr<void> hold)
    : socket_(std::move(socket)),
      hub_(hub),
      queries_(std::move(queries)),
      slot_(std::move(slot)),
      hold_(std::move(hold)) {}

SseSession::~SseSession() {
  hub_.remove(this);
}

void SseSession::start(std::vector<core::FrameConstSharedPtr> preamble, uint64_t last_sequence) {
  hub_.add(this);
  last_sequence_ = last_sequence;
  error_code ignored;
  socket_.non_blocking(true, ignored);  // for the drain in onReadable
  pending_ = std::move(preamble);
  startWrite();
  waitReadable();
}

void SseSession::deliver(const core::FrameConstSharedPtr& frame) {
  if (closing_ || closed_) {
    return;
  }
  if (frame->sequence != 0) {
    if (frame->sequence <= last_sequence_) {
      return;
    }
    last_sequence_ = frame->sequence;
    if (!filterAllows(queries_, frame->query)) {
      return;
    }
  }
  if (!write_in_flight_) {
    pending_.push_back(frame);
    startWrite();
  } else if (pending_.size() >= hub_.config().max_queued_frames) {
    overflow();
  } else {
    pending_.push_back(frame);
  }
}

void SseSession::heartbeat(const core::FrameConstSharedPtr& frame) {
  if (closing_ || closed_ || write_in_flight_ || !pending_.empty()) {
    return;
  }
  pending_.push_back(frame);
  startWrite();
}

void SseSession::startWrite() {
  writing_.swap(pending_);
  for (const core::FrameConstSharedPtr& frame : writing_) {
    buffers_.emplace_back(frame->bytes.data(), frame->bytes.size());
  }
  write_in_flight_ = true;
  net::async_write(
      socket_, std::span<const net::const_buffer>(buffers_),
      [self = shared_from_this()](const error_code& ec, size_t) { self->onWrite(ec); });
}

void SseSession::onWrite(const error_code& ec) {
  write_in_flight_ = false;
  for (auto it = writing_.rbegin(); !ec && it != writing_.rend(); ++it) {
    if ((*it)->sequence != 0) {
      hub_.frameWritten(**it);
      break;
    }
  }
  clearAndTrim(writing_);
  clearAndTrim(buffers_);
  if (ec) {
    fail(ec);
  } else if (closed_) {
    return;
  } else if (!pending_.empty()) {
    startWrite();
  } else if (closing_) {
    close();
  }
}

void SseSession::overflow() {
  // The write in flight is stuck behind a slow reader. Queue must-refetch after it and give the
  // socket a grace period to drain; if it does not, close without it.
  closing_ = true;
  if (hub_.config().dropped_count) {
    hub_.config().dropped_count->fetch_add(1, std::memory_order_relaxed);
  }
  pending_.clear();
  pending_.push_back(hub_.config().lagging_frame);
  grace_timer_ = std::make_unique<net::steady_timer>(socket_.get_executor());
  grace_timer_->expires_after(std::chrono::milliseconds(hub_.config().overflow_grace_ms));
  grace_timer_->async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) {
      self->close();
    }
  });
}

void SseSession::waitReadable() {
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](const error_code& ec) { self->onReadable(ec); });
}

void SseSession::onReadable(const error_code& ec) {
  if (ec) {
    fail(ec);
    return;
  }
  // An SSE client sends nothing after its request; read to notice when it goes away.
  char scratch[512];
  for (;;) {
    error_code read_ec;
    socket_.read_some(net::buffer(scratch), read_ec);
    if (read_ec == net::error::would_block) {
      break;
    }
    if (read_ec) {
      fail(read_ec);
      return;
    }
  }
  waitReadable();
}

void SseSession::fail(const error_code& ec) {
  if (ec == net::error::operation_aborted) {
    return;
  }
  close();
}

void SseSession::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  hub_.remove(this);
  if (grace_timer_) {
    grace_timer_->cancel();
  }
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace livedash::server
