// bench/fanout/stream_parser.cpp
#include "fanout/stream_parser.hpp"

#include <charconv>

namespace livedash::bench {

namespace {

int64_t parseInt(std::string_view text) {
  int64_t value = -1;
  const char* first = text.data();
  while (first != text.data() + text.size() && *first == ' ') {
    ++first;
  }
  std::from_chars(first, text.data() + text.size(), value);
  return value;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Parses one event's lines (without the blank line that ends it).
void parseEvent(std::string_view event, const MessageHandler& on_message) {
  StreamMessage message;
  bool has_data = false;
  while (!event.empty()) {
    const size_t eol = event.find('\n');
    std::string_view line = event.substr(0, eol);
    event = eol == std::string_view::npos ? std::string_view() : event.substr(eol + 1);
    if (startsWith(line, "data:")) {
      line.remove_prefix(5);
      if (startsWith(line, " ")) {
        line.remove_prefix(1);
      }
      message.data = line;  // livedash and the baselines send one data line per event
      has_data = true;
    } else if (startsWith(line, "id:")) {
      message.event_id = parseInt(line.substr(3));
    }
  }
  if (has_data) {
    on_message(message);
  }
}

}  // namespace

void SseParser::feed(std::string_view chunk, const MessageHandler& on_message) {
  if (carry_.empty()) {
    const size_t used = parse(chunk, on_message);
    carry_.assign(chunk.substr(used));
    return;
  }
  carry_.append(chunk);
  const size_t used = parse(carry_, on_message);
  carry_.erase(0, used);
}

size_t SseParser::parse(std::string_view bytes, const MessageHandler& on_message) {
  size_t used = 0;
  for (;;) {
    const size_t end = bytes.find("\n\n", used);
    if (end == std::string_view::npos) {
      return used;
    }
    parseEvent(bytes.substr(used, end - used), on_message);
    used = end + 2;
  }
}

bool WsParser::feed(std::string_view chunk, const FrameHandler& on_frame) {
  size_t used = 0;
  if (carry_.empty()) {
    used = parse(chunk, on_frame);
    if (used == std::string_view::npos) {
      return false;
    }
    carry_.assign(chunk.substr(used));
    return true;
  }
  carry_.append(chunk);
  used = parse(carry_, on_frame);
  if (used == std::string_view::npos) {
    return false;
  }
  carry_.erase(0, used);
  return true;
}

size_t WsParser::parse(std::string_view bytes, const FrameHandler& on_frame) {
  constexpr uint64_t kMaxPayload = 16 << 20;
  size_t used = 0;
  for (;;) {
    std::string_view rest = bytes.substr(used);
    if (rest.size() < 2) {
      return used;
    }
    const auto b0 = static_cast<uint8_t>(rest[0]);
    const auto b1 = static_cast<uint8_t>(rest[1]);
    if (b1 & 0x80) {
      return std::string_view::npos;  // servers never mask
    }
    uint64_t length = b1 & 0x7f;
    size_t header = 2;
    if (length == 126 || length == 127) {
      const size_t width = length == 126 ? 2 : 8;
      if (rest.size() < 2 + width) {
        return used;
      }
      length = 0;
      for (size_t i = 0; i < width; ++i) {
        length = (length << 8) | static_cast<uint8_t>(rest[2 + i]);
      }
      header += width;
    }
    if (length > kMaxPayload) {
      return std::string_view::npos;
    }
    if (rest.size() < header + length) {
      return used;
    }
    on_frame(static_cast<Opcode>(b0 & 0x0f), rest.substr(header, length));
    used += header + length;
  }
}

DiffFields parseDiffFields(std::string_view json) {
  DiffFields out;
  out.snapshot = startsWith(json, R"({"op":"snapshot")");
  constexpr std::string_view kSequence = R"("sequence":)";
  if (const size_t at = json.find(kSequence); at != std::string_view::npos) {
    out.sequence = parseInt(json.substr(at + kSequence.size(), 24));
  }
  constexpr std::string_view kSentUs = R"("sentUs":)";
  if (const size_t at = json.rfind(kSentUs); at != std::string_view::npos) {
    out.sent_us = parseInt(json.substr(at + kSentUs.size(), 24));
  }
  return out;
}

std::string wsClientFrame(WsParser::Opcode opcode, std::string_view payload) {
  // The mask only has to be present; a fixed key is as good as any for a benchmark.
  constexpr uint8_t kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(opcode)));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(payload.size() >> 8));
    frame.push_back(static_cast<char>(payload.size() & 0xff));
  }
  frame.append(reinterpret_cast<const char*>(kMask), 4);
  for (size_t i = 0; i < payload.size(); ++i) {
    frame.push_back(static_cast<char>(payload[i] ^ kMask[i % 4]));
  }
  return frame;
}

}  // namespace livedash::bench
