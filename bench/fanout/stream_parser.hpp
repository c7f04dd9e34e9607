// bench/fanout/stream_parser.hpp
//
// What the load client reads off a socket, without a JSON parser or a copy per message: SSE
// events (`id:` and `data:` lines, comments for heartbeats) or WebSocket frames from a server
// (unmasked), then the two numbers a fan-out benchmark needs from a diff, its per-query
// `sequence` and the `sentUs` stamp the driver wrote into the row.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace livedash::bench {

//! One SSE event with data, or one WebSocket text message.
struct StreamMessage {
  std::string_view data;
  int64_t event_id = -1;  //!< SSE `id:`, -1 when absent (and always for WebSocket)
};

using MessageHandler = std::function<void(const StreamMessage&)>;

//! Splits an SSE body into events. Comments and `retry:` are skipped; an event without data too.
class SseParser {
 public:
  //! Calls `on_message` for each complete event in `chunk` and keeps the incomplete tail.
  void feed(std::string_view chunk, const MessageHandler& on_message);

 private:
  //! Returns how much of `bytes` was consumed (whole events only).
  size_t parse(std::string_view bytes, const MessageHandler& on_message);
  std::string carry_;
};

//! Splits a server's WebSocket byte stream into frames.
class WsParser {
 public:
  enum class Opcode : uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9 };
  using FrameHandler = std::function<void(Opcode, std::string_view payload)>;

  //! False on a frame a server must not send (masked, or longer than 16 MiB).
  bool feed(std::string_view chunk, const FrameHandler& on_frame);

 private:
  //! Returns how much was consumed, or npos on a malformed frame.
  size_t parse(std::string_view bytes, const FrameHandler& on_frame);
  std::string carry_;
};

//! The fields of a diff (or snapshot) the benchmark checks.
struct DiffFields {
  bool snapshot = false;  //!< a WebSocket `{"op":"snapshot"…}`: `sequence` is the baseline
  int64_t sequence = -1;  //!< the first `"sequence":` member
  int64_t sent_us = -1;   //!< the last `"sentUs":` member (the row's after image)
};

DiffFields parseDiffFields(std::string_view json);

//! Per-query sequences (and SSE ids) must go up by exactly one.
struct SequenceCheck {
  int64_t last = -1;
  uint64_t gaps = 0;        //!< numbers skipped
  uint64_t duplicates = 0;  //!< numbers at or below one already seen

  void baseline(int64_t sequence) { last = sequence; }
  void see(int64_t sequence) {
    if (last >= 0 && sequence <= last) {
      ++duplicates;
      return;
    }
    if (last >= 0 && sequence > last + 1) {
      gaps += static_cast<uint64_t>(sequence - last - 1);
    }
    last = sequence;
  }
};

//! A masked client frame (RFC 6455 requires the mask from clients).
std::string wsClientFrame(WsParser::Opcode opcode, std::string_view payload);

}  // namespace livedash::bench
