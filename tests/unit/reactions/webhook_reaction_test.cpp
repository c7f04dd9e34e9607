// tests/unit/reactions/webhook_reaction_test.cpp
//
// The webhook reaction against a real local HTTP server: bodies and headers per change kind,
// the default body, order, retries with backoff, giving up, and the client's timeout.
#include "reactions/webhook/webhook_reaction.hpp"

#include <gtest/gtest.h>

#include "recording_http_server.hpp"
#include "webhook_test_support.hpp"

namespace livedash::reactions {
namespace {

using test::eventually;
using test::orderDiff;
using test::orderRow;
using test::RecordingHttpServer;

WebhookOptions optionsFor(const RecordingHttpServer& server) {
  WebhookOptions o;
  o.id = "hook";
  o.queries = {"orders"};
  o.base_url = server.url("/hooks");
  o.timeout = std::chrono::milliseconds(2000);
  o.retry = WebhookRetryPolicy{5, 20, 200};
  return o;
}

TEST(WebhookReaction, RendersBodiesAndHeadersPerChangeKind) {
  RecordingHttpServer server;
  WebhookOptions o = optionsFor(server);
  o.headers = {{"Authorization", "Bearer s3cret"}};
  WebhookQueryRoutes routes;
  routes.added = WebhookRoute{"added", "POST", R"({"new":{{after.orderId}}})", {}};
  routes.updated = WebhookRoute{"/updated",
                                "PUT",
                                R"({"id":{{after.orderId}},"from":"{{before.status}}",)"
                                R"("to":"{{after.status}}"})",
                                {{"X-Kind", "update"}}};
  routes.deleted = WebhookRoute{server.url("/elsewhere"), "POST", R"({{json before}})", {}};
  o.routes["orders"] = routes;
  WebhookReaction reaction(o, &test::httpSend);

  engine::QueryDiff d = orderDiff(1);
  d.added.push_back(orderRow(7, "new"));
  d.updated.emplace_back(orderRow(8, "new"), orderRow(8, "paid"));
  d.deleted.push_back(orderRow(9, "gone"));
  reaction.onDiff(d, engine::diffJson(d));

  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == 3; }));
  auto got = server.requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/hooks/added");
  EXPECT_EQ(got[0].body, R"({"new":7})");
  EXPECT_EQ(got[1].method, "PUT");
  EXPECT_EQ(got[1].target, "/hooks/updated");  // relative to base_url, as in drasi
  EXPECT_EQ(got[1].body, R"({"id":8,"from":"new","to":"paid"})");
  EXPECT_EQ(got[1].header("x-kind"), "update");
  EXPECT_EQ(got[2].target, "/elsewhere");  // absolute
  EXPECT_EQ(got[2].body, R"({"orderId":9,"status":"gone"})");
  for (const auto& r : got) {
    EXPECT_EQ(r.header("authorization"), "Bearer s3cret");
    EXPECT_EQ(r.header("content-type"), "application/json");
  }
}

TEST(WebhookReaction, WithoutRoutesPostsTheDiffInItsSseShape) {
  RecordingHttpServer server;
  WebhookReaction reaction(optionsFor(server), &test::httpSend);
  engine::QueryDiff d = orderDiff(4);
  d.added.push_back(orderRow(1, "new"));
  std::string json = engine::diffJson(d);
  reaction.onDiff(d, json);

  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == 1; }));
  auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/hooks");
  EXPECT_EQ(got[0].body, json);
}

TEST(WebhookReaction, RouteWithoutBodySendsTheRowAsAOneRowDiff) {
  RecordingHttpServer server;
  WebhookOptions o = optionsFor(server);
  o.routes["orders"].deleted = WebhookRoute{"", "POST", "", {}};
  WebhookReaction reaction(o, &test::httpSend);
  engine::QueryDiff d = orderDiff(2);
  d.added.push_back(orderRow(1, "new"));  // no `added` route: not sent
  d.deleted.push_back(orderRow(3, "old"));
  reaction.onDiff(d, engine::diffJson(d));

  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == 1; }));
  engine::QueryDiff only = orderDiff(2);
  only.deleted.push_back(orderRow(3, "old"));
  EXPECT_EQ(server.requests().at(0).body, engine::diffJson(only));
}

TEST(WebhookReaction, DeliversInOrder) {
  RecordingHttpServer server;
  WebhookReaction reaction(optionsFor(server), &test::httpSend);
  constexpr int kDiffs = 40;
  for (int i = 1; i <= kDiffs; ++i) {
    engine::QueryDiff d = orderDiff(static_cast<uint64_t>(i));
    d.added.push_back(orderRow(i, "new"));
    reaction.onDiff(d, engine::diffJson(d));
  }
  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == kDiffs; }));
  auto got = server.requests();
  ASSERT_EQ(got.size(), static_cast<size_t>(kDiffs));
  for (int i = 0; i < kDiffs; ++i) {
    EXPECT_NE(got[i].body.find("\"sequence\":" + std::to_string(i + 1) + ","), std::string::npos)
        << got[i].body;
  }
}

TEST(WebhookReaction, RetriesWithBackoffAfterTwo503s) {
  RecordingHttpServer server({503, 503, 200});
  WebhookReaction reaction(optionsFor(server), &test::httpSend);
  engine::QueryDiff d = orderDiff(1);
  d.added.push_back(orderRow(1, "new"));
  reaction.onDiff(d, engine::diffJson(d));

  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == 1; }));
  auto got = server.requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, got[2].body);
  EXPECT_EQ(reaction.stats().retries, 2u);
  EXPECT_EQ(reaction.stats().failed, 0u);
  // Equal jitter: the first delay is at least half of 20 ms, the second half of 40 ms.
  using std::chrono::milliseconds;
  EXPECT_GE(got[1].arrived - got[0].arrived, milliseconds(10));
  EXPECT_GE(got[2].arrived - got[1].arrived, milliseconds(20));
}

TEST(WebhookReaction, GivesUpAfterMaxAttemptsAndMovesOn) {
  RecordingHttpServer server({500, 429, 502});
  WebhookOptions o = optionsFor(server);
  o.retry.max_attempts = 3;
  WebhookReaction reaction(o, &test::httpSend);
  for (uint64_t s = 1; s <= 2; ++s) {
    engine::QueryDiff d = orderDiff(s);
    d.added.push_back(orderRow(static_cast<int64_t>(s), "new"));
    reaction.onDiff(d, engine::diffJson(d));
  }
  ASSERT_TRUE(eventually([&] { return reaction.stats().delivered == 1; }));
  EXPECT_EQ(reaction.stats().failed, 1u);
  EXPECT_EQ(reaction.stats().retries, 2u);
  auto got = server.requests();
  ASSERT_EQ(got.size(), 4u);  // three attempts at the first diff, one at the second
  EXPECT_NE(got[3].body.find("\"sequence\":2,"), std::string::npos);
}

TEST(WebhookReaction, ClientErrorIsNotRetried) {
  RecordingHttpServer server({400});
  WebhookReaction reaction(optionsFor(server), &test::httpSend);
  engine::QueryDiff d = orderDiff(1);
  d.added.push_back(orderRow(1, "new"));
  reaction.onDiff(d, engine::diffJson(d));
  ASSERT_TRUE(eventually([&] { return reaction.stats().failed == 1; }));
  EXPECT_EQ(server.count(), 1u);
  EXPECT_EQ(reaction.stats().retries, 0u);
}

TEST(WebhookReaction, ConnectionRefusedIsRetriedThenGivenUp) {
  uint16_t closed_port = 0;
  {
    RecordingHttpServer gone;
    closed_port = gone.port();
  }
  WebhookOptions o;
  o.id = "hook";
  o.queries = {"orders"};
  o.base_url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  o.retry = WebhookRetryPolicy{2, 5, 10};
  WebhookReaction reaction(o, &test::httpSend);
  engine::QueryDiff d = orderDiff(1);
  d.added.push_back(orderRow(1, "new"));
  reaction.onDiff(d, engine::diffJson(d));
  ASSERT_TRUE(eventually([&] { return reaction.stats().failed == 1; }));
  EXPECT_EQ(reaction.stats().retries, 1u);
}

TEST(WebhookReaction, UnsupportedSchemeFailsWithoutRetries) {
  WebhookOptions o;
  o.id = "hook";
  o.queries = {"orders"};
  o.base_url = "ftp://hooks.test/";
  WebhookReaction reaction(o, &test::httpSend);
  engine::QueryDiff d = orderDiff(1);
  d.added.push_back(orderRow(1, "new"));
  reaction.onDiff(d, engine::diffJson(d));
  ASSERT_TRUE(eventually([&] { return reaction.stats().failed == 1; }));
  EXPECT_EQ(reaction.stats().retries, 0u);
}

TEST(HttpClient, TimesOutOnASilentServer) {
  RecordingHttpServer server;
  server.goSilent();
  auto started = std::chrono::steady_clock::now();
  server::HttpClientResponse r =
      server::sendHttpRequest({"POST", server.url(), {}, "{}", std::chrono::milliseconds(100)});
  EXPECT_FALSE(r.answered());
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(HttpClient, RefusesOtherSchemesWithoutTrying) {
  server::HttpClientResponse r =
      server::sendHttpRequest({"POST", "ftp://example.test/", {}, "", {}});
  EXPECT_FALSE(r.answered());
  EXPECT_TRUE(r.invalid_request);
  EXPECT_NE(r.error.find("unsupported scheme `ftp`"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace livedash::reactions
