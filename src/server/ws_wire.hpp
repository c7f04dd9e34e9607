// src/server/ws_wire.hpp
//
// RFC 6455 framing as plain bytes, no sockets and no Beast: the server's frames (unmasked, so the
// same bytes serve every client and are built once), the head of a client's frame, and the UTF-8
// check a text message must pass. The session (ws_connection.cpp) does the IO.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/frame.hpp"

namespace livedash::server {

enum class WsOpcode : uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

//! A whole, unfragmented server frame: header then `payload`.
std::string wsFrameBytes(WsOpcode opcode, std::string_view payload);
//! `frame` with its bytes sent as one text message: the channel, sequences and times are kept,
//! so the session treats it as it would `frame`. One copy per frame, shared by its subscribers.
core::FrameConstSharedPtr wsTextFrame(const core::Frame& frame);
//! A text frame outside any channel (errors, pong), from its JSON.
core::FrameConstSharedPtr wsTextFrame(std::string_view json);
//! A close frame: `code`, then `reason` (at most 123 bytes); code 0: no payload.
core::FrameConstSharedPtr wsCloseFrame(uint16_t code, std::string_view reason);

//! The head of a client frame (RFC 6455 5.2).
struct WsFrameHead {
  bool fin = false;
  bool reserved_bits = false;  //!< RSV1-3: no extension is negotiated, so they must be 0
  uint8_t opcode = 0;
  bool masked = false;
  uint8_t mask[4] = {0, 0, 0, 0};
  uint64_t length = 0;      //!< payload bytes
  size_t header_bytes = 0;  //!< 2 to 14
};

//! Parses the head at the start of `bytes`; nothing while it is incomplete.
std::optional<WsFrameHead> parseWsFrameHead(std::string_view bytes);
//! XORs `payload` with the head's mask in place.
void unmaskWsPayload(const WsFrameHead& head, std::string& payload);
bool isWsControl(uint8_t opcode);
bool isWsKnownOpcode(uint8_t opcode);

//! Whether `text` is well-formed UTF-8 (no overlong forms, surrogates, or code points past
//! U+10FFFF), as a text message must be.
bool isValidUtf8(std::string_view text);

}  // namespace livedash::server
