// tests/unit/server/ws_wire_test.cpp
//
// The framing the WebSocket connection does by hand: server frame headers at each length
// boundary, client frame heads arriving piecemeal, and the UTF-8 a text message must be.
#include "server/ws_wire.hpp"

#include <gtest/gtest.h>

namespace livedash::server {
namespace {

TEST(WsWireTest, ServerFrameHeaderAtEachLengthForm) {
  EXPECT_EQ(wsFrameBytes(WsOpcode::Text, "hi"), std::string("\x81\x02hi", 4));
  const std::string mid(126, 'a');
  EXPECT_EQ(wsFrameBytes(WsOpcode::Text, mid).substr(0, 4), std::string("\x81\x7E\x00\x7E", 4));
  const std::string big(70000, 'a');
  EXPECT_EQ(wsFrameBytes(WsOpcode::Text, big).substr(0, 10),
            std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  EXPECT_EQ(wsFrameBytes(WsOpcode::Text, big).size(), 70010u);
  EXPECT_EQ(wsCloseFrame(1013, "r")->bytes, std::string("\x88\x03\x03\xF5r", 5));
  EXPECT_EQ(wsCloseFrame(0, "ignored")->bytes, std::string("\x88\x00", 2));
}

TEST(WsWireTest, TextFrameKeepsWhatTheSessionReads) {
  core::Frame diff;
  diff.channel = "live:q";
  diff.sequence = 7;
  diff.bytes = "{}";
  core::FrameConstSharedPtr framed = wsTextFrame(diff);
  EXPECT_EQ(framed->channel, "live:q");
  EXPECT_EQ(framed->sequence, 7u);
  EXPECT_EQ(framed->bytes, std::string("\x81\x02{}", 4));
}

TEST(WsWireTest, ClientHeadNeedsAllItsBytes) {
  const std::string frame("\x81\xFE\x01\x00\x01\x02\x03\x04", 8);  // masked, 256 bytes
  for (size_t n = 0; n < frame.size(); ++n) {
    EXPECT_FALSE(parseWsFrameHead(std::string_view(frame).substr(0, n))) << n;
  }
  std::optional<WsFrameHead> head = parseWsFrameHead(frame);
  ASSERT_TRUE(head);
  EXPECT_TRUE(head->fin);
  EXPECT_EQ(head->opcode, 0x1);
  EXPECT_TRUE(head->masked);
  EXPECT_EQ(head->length, 256u);
  EXPECT_EQ(head->header_bytes, 8u);
  std::string payload("\x01\x02\x03\x04\x05", 5);
  unmaskWsPayload(*head, payload);
  EXPECT_EQ(payload, std::string("\0\0\0\0\x04", 5));
}

TEST(WsWireTest, Utf8) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain {\"a\":1}"));
  EXPECT_TRUE(isValidUtf8("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(isValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(isValidUtf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(isValidUtf8("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xFF"));
  EXPECT_FALSE(isValidUtf8("\x80"));  // a continuation byte on its own
}

}  // namespace
}  // namespace livedash::server
