// tests/unit/server/ws_test_client.hpp
//
// A blocking WebSocket client over TestClient's plain socket, written from RFC 6455 rather than
// with Beast, so the tests check the server against an independent reading of the protocol and
// can send what a well-behaved client never would (binary frames, oversized messages). Reads
// time out like TestClient's. Header-only: the test binaries compile only *_test.cpp files.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::server::test {

enum WsOpcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

struct WsMessage {
  uint8_t opcode = 0;
  std::string payload;
  //! For a close frame.
  uint16_t close_code = 0;
  std::string close_reason;
};

class WsTestClient {
 public:
  //! Connects and completes the handshake at `path`; status() is 101 when it worked.
  explicit WsTestClient(uint16_t port, std::string_view path = "/ws", int receive_buffer_bytes = 0)
      : http_(port, receive_buffer_bytes) {
    http_.send("GET " + std::string(path) +
               " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    head_ = http_.readHead();
  }

  const Reply& handshake() const { return head_; }
  TestClient& socket() { return http_; }

  void sendFrame(uint8_t opcode, std::string_view payload, bool fin = true) {
    std::string frame;
    frame += static_cast<char>((fin ? 0x80 : 0) | opcode);
    const uint8_t masked = 0x80;  // every client frame is masked (RFC 6455 5.3)
    if (payload.size() < 126) {
      frame += static_cast<char>(masked | payload.size());
    } else if (payload.size() <= 0xFFFF) {
      frame += static_cast<char>(masked | 126);
      frame += static_cast<char>(payload.size() >> 8);
      frame += static_cast<char>(payload.size() & 0xFF);
    } else {
      frame += static_cast<char>(masked | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame += static_cast<char>((static_cast<uint64_t>(payload.size()) >> shift) & 0xFF);
      }
    }
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(key, 4);
    for (size_t i = 0; i < payload.size(); ++i) {
      frame += static_cast<char>(payload[i] ^ key[i % 4]);
    }
    http_.send(frame);
  }

  void sendText(std::string_view text) { sendFrame(kText, text); }

  //! The next message: a whole data message (continuations joined) or one control frame.
  WsMessage next() {
    WsMessage message;
    for (;;) {
      auto [fin, opcode, payload] = readFrame();
      if (opcode >= kClose) {
        WsMessage control{opcode, std::move(payload)};
        if (opcode == kClose && control.payload.size() >= 2) {
          control.close_code =
              static_cast<uint16_t>((static_cast<uint8_t>(control.payload[0]) << 8) |
                                    static_cast<uint8_t>(control.payload[1]));
          control.close_reason = control.payload.substr(2);
        }
        return control;
      }
      if (opcode != kContinuation) {
        message.opcode = opcode;
      }
      message.payload += payload;
      if (fin) {
        return message;
      }
    }
  }

  //! The next text message, parsed; skips the server's keep-alive pings.
  core::Value nextJson() {
    for (;;) {
      WsMessage m = next();
      if (m.opcode == kPing) {
        continue;
      }
      if (m.opcode != kText) {
        throw std::runtime_error("expected a text message, got opcode " + std::to_string(m.opcode) +
                                 " " + m.close_reason);
      }
      return core::parseJson(m.payload);
    }
  }

  //! Reads up to the close frame and answers it, as a browser does; returns it.
  WsMessage nextClose() {
    for (;;) {
      WsMessage m = next();
      if (m.opcode == kClose) {
        sendFrame(kClose, m.payload.substr(0, 2));
        return m;
      }
    }
  }

 private:
  struct Frame {
    bool fin;
    uint8_t opcode;
    std::string payload;
  };

  Frame readFrame() {
    std::string head = http_.readBytes(2);
    const bool fin = (static_cast<uint8_t>(head[0]) & 0x80) != 0;
    const uint8_t opcode = static_cast<uint8_t>(head[0]) & 0x0F;
    const bool masked = (static_cast<uint8_t>(head[1]) & 0x80) != 0;
    uint64_t length = static_cast<uint8_t>(head[1]) & 0x7F;
    if (length >= 126) {
      std::string ext = http_.readBytes(length == 126 ? 2 : 8);
      length = 0;
      for (char c : ext) {
        length = (length << 8) | static_cast<uint8_t>(c);
      }
    }
    if (masked) {
      throw std::runtime_error("a server frame must not be masked");
    }
    return Frame{fin, opcode, http_.readBytes(static_cast<size_t>(length))};
  }

  TestClient http_;
  Reply head_;
};

//! `{"op":"subscribe",…}` with the optional fields left out when empty.
inline std::string subscribeMessage(std::string_view query, std::string_view period = {},
                                    std::optional<uint64_t> since = std::nullopt) {
  std::string out = R"({"op":"subscribe","query":")" + std::string(query) + "\"";
  if (!period.empty()) {
    out += R"(,"period":")" + std::string(period) + "\"";
  }
  if (since) {
    out += R"(,"since":)" + std::to_string(*since);
  }
  return out + "}";
}

//! A ping round trip: the messages that arrive before the pong.
inline std::vector<core::Value> drainUntilPong(WsTestClient& client) {
  client.sendText(R"({"op":"ping"})");
  std::vector<core::Value> out;
  for (core::Value m = client.nextJson(); m.asMap().at("op").asString() != "pong";
       m = client.nextJson()) {
    out.push_back(m);
  }
  return out;
}

}  // namespace livedash::server::test
