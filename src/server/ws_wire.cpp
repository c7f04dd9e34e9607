// src/server/ws_wire.cpp
#include "server/ws_wire.hpp"

#include <memory>

namespace livedash::server {

std::string wsFrameBytes(WsOpcode opcode, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out += static_cast<char>(0x80 | static_cast<uint8_t>(opcode));  // FIN: never fragmented
  const uint64_t size = payload.size();
  if (size < 126) {
    out += static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>(size >> 8);
    out += static_cast<char>(size & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out += static_cast<char>((size >> shift) & 0xFF);
    }
  }
  out += payload;
  return out;
}

core::FrameConstSharedPtr wsTextFrame(const core::Frame& frame) {
  auto out = std::make_shared<core::Frame>();
  out->channel = frame.channel;
  out->sequence = frame.sequence;
  out->query = frame.query;
  out->query_sequence = frame.query_sequence;
  out->commit_time_ms = frame.commit_time_ms;
  out->bytes = wsFrameBytes(WsOpcode::Text, frame.bytes);
  return out;
}

core::FrameConstSharedPtr wsTextFrame(std::string_view json) {
  auto out = std::make_shared<core::Frame>();
  out->bytes = wsFrameBytes(WsOpcode::Text, json);
  return out;
}

core::FrameConstSharedPtr wsCloseFrame(uint16_t code, std::string_view reason) {
  std::string payload;
  if (code != 0) {
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xFF);
    payload += reason.substr(0, 123);
  }
  auto out = std::make_shared<core::Frame>();
  out->bytes = wsFrameBytes(WsOpcode::Close, payload);
  return out;
}

std::optional<WsFrameHead> parseWsFrameHead(std::string_view bytes) {
  if (bytes.size() < 2) {
    return std::nullopt;
  }
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  WsFrameHead head;
  head.fin = (byte(0) & 0x80) != 0;
  head.reserved_bits = (byte(0) & 0x70) != 0;
  head.opcode = byte(0) & 0x0F;
  head.masked = (byte(1) & 0x80) != 0;
  head.length = byte(1) & 0x7F;
  size_t at = 2;
  const size_t extended = head.length == 126 ? 2 : head.length == 127 ? 8 : 0;
  if (bytes.size() < at + extended + (head.masked ? 4 : 0)) {
    return std::nullopt;
  }
  if (extended > 0) {
    head.length = 0;
    for (size_t i = 0; i < extended; ++i) {
      head.length = (head.length << 8) | byte(at++);
    }
  }
  if (head.masked) {
    for (uint8_t& m : head.mask) {
      m = byte(at++);
    }
  }
  head.header_bytes = at;
  return head;
}

void unmaskWsPayload(const WsFrameHead& head, std::string& payload) {
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(static_cast<uint8_t>(payload[i]) ^ head.mask[i % 4]);
  }
}

bool isWsControl(uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

bool isWsKnownOpcode(uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    uint32_t code = 0;
    uint32_t least = 0;  // the smallest code point that needs this many bytes
    if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F, least = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F, least = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07, least = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {  // truncated
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace livedash::server
