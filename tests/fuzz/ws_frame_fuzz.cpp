// tests/fuzz/ws_frame_fuzz.cpp
//
// libFuzzer target: raw bytes as what a WebSocket client sends after the handshake, cut into
// frames the way the server's connection reads them: each head parsed, its payload unmasked and,
// for a text frame, checked as UTF-8. Never a crash or sanitizer report, and every head the
// parser accepts is consistent: its size within RFC 6455's 2 to 14 bytes, and a frame the server
// builds from the same opcode and payload parses back to both.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/ws_wire.hpp"

using namespace livedash::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (std::optional<WsFrameHead> head = parseWsFrameHead(rest)) {
    if (head->header_bytes < 2 || head->header_bytes > 14 || head->header_bytes > rest.size())
      std::abort();
    rest.remove_prefix(head->header_bytes);
    if (head->length > rest.size())
      break;  // the rest of the payload has not arrived
    std::string payload(rest.substr(0, static_cast<size_t>(head->length)));
    rest.remove_prefix(payload.size());
    unmaskWsPayload(*head, payload);
    if (head->opcode == static_cast<uint8_t>(WsOpcode::Text))
      (void)isValidUtf8(payload);
    if (!isWsKnownOpcode(head->opcode))
      continue;
    // The server's own frame for this payload (unmasked, final) parses back to the same thing.
    std::string echo = wsFrameBytes(static_cast<WsOpcode>(head->opcode), payload);
    std::optional<WsFrameHead> again = parseWsFrameHead(echo);
    if (!again || again->opcode != head->opcode || again->length != payload.size() ||
        again->masked || !again->fin || again->header_bytes + payload.size() != echo.size())
      std::abort();
  }
  return 0;
}
