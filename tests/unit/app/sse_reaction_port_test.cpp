// tests/unit/app/sse_reaction_port_test.cpp
//
// An SSE reaction with its own host and port (as in the Drasi tutorial, where the page is served
// from a third origin): the stream lives there, heartbeats are comments, and CORS lets another
// origin read both the stream and the REST snapshot.
#include <gtest/gtest.h>

#include "app/application.hpp"
#include "config/config_loader.hpp"
#include "core/json.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::app {
namespace {

using server::test::TestClient;

TEST(SseReactionPort, StreamOnItsOwnPortWithHeartbeatsAndCors) {
  core::SystemClock clock;
  ApplicationOptions options;
  options.port_override = 0;  // the reaction's port becomes a free one too
  options.io_threads = 1;
  Application app(config::loadConfigFile(LIVEDASH_SOURCE_DIR "/tests/data/app/own_port.yaml"),
                  options, clock);
  app.start();
  uint16_t sse_port = app.ssePort("stream");
  ASSERT_NE(sse_port, app.port());

  TestClient stream(sse_port);
  stream.send("GET /events HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:3000\r\n\r\n");
  auto head = stream.readHead();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("access-control-allow-origin"), "http://localhost:3000");
  server::test::SseEvent event = stream.nextEvent();
  while (event.comment.empty())
    event = stream.nextEvent();
  EXPECT_EQ(event.comment.rfind("heartbeat", 0), 0u) << event.comment;

  TestClient rest(app.port());
  auto results =
      rest.request("GET", "/api/v1/queries/stats/results", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(results.status, 200);
  EXPECT_EQ(results.header("access-control-allow-origin"), "http://localhost:3000");
  TestClient preflight(app.port());
  auto options_reply = preflight.request(
      "OPTIONS", "/api/v1/sources/shop/sql",
      {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(options_reply.status, 204);

  // The main port does not serve the reaction's stream.
  TestClient wrong(app.port());
  EXPECT_EQ(wrong.request("GET", "/events").status, 404);

  TestClient writer(app.port());
  auto write = writer.request("POST", "/api/v1/sources/shop/sql", {{"Content-Type", "text/plain"}},
                              "DELETE FROM orders WHERE status = 'shipped'");
  ASSERT_EQ(write.status, 200) << write.body;
  do {
    event = stream.nextEvent();
  } while (event.data.empty());
  core::Value diff = core::parseJson(event.data);
  ASSERT_EQ(diff.asMap().at("deleted").asList().size(), 1u) << event.data;
  EXPECT_EQ(diff.asMap().at("deleted").asList()[0].asMap().at("status"), core::Value("shipped"));
  app.stop();
}

}  // namespace
}  // namespace livedash::app
