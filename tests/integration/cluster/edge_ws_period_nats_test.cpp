// tests/integration/cluster/edge_ws_period_nats_test.cpp
//
// WebSocket period subscriptions on an edge, on a real 3-node JetStream cluster
// (edge_fixture.hpp): a `value` at once, stamped with the start of the minute, then exactly one at
// each boundary of the edge's own clock (a FakeClock the test steps), each the store's own answer,
// and nothing scheduled once nobody watches.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "edge_fixture.hpp"
#include "unit/server/ws_test_client.hpp"

namespace livedash::testing {
namespace {

using app::test::integer;
using app::test::op;
using server::WsPeriod;
using server::test::drainUntilPong;
using server::test::subscribeMessage;
using server::test::WsTestClient;

constexpr int64_t kMinute = 60'000;
//! A minute boundary (2023-11-14 22:14 UTC).
constexpr int64_t kT0 = 28'333'334 * kMinute;
//! Long enough for the edge's thread to have looked at its clock several times.
constexpr auto kSeveralPolls = std::chrono::milliseconds(300);

//! The value's rows, compared with the store as the REST tests compare them.
StatsByStatus statsOfValue(const core::Value& value) {
  std::multiset<std::string> rows;
  for (const core::Value& row : value.asMap().at("data").asList()) {
    rows.insert(core::toJson(row));
  }
  return statsOfRows(rows);
}

class EdgeWsPeriodNats : public EdgeNodeNats {
 protected:
  void TearDown() override {
    if (edge) {
      edge->stop();
    }
    EdgeNodeNats::TearDown();
  }

  core::FakeClock edge_clock{kT0 + 10'000};
  std::unique_ptr<app::Application> edge;
};

TEST_F(EdgeWsPeriodNats, AMinuteSubscriptionGetsAValueAtOnceThenOneAtEachBoundary) {
  writeAndSettle(0, 10);
  edge = startEdge(config_text, edge_clock);
  const app::EdgeWsPeriods& periods = edge->edgeNode()->wsBackend().periods();
  EXPECT_EQ(periods.nextBoundaryMs(WsPeriod::Minute), std::nullopt) << "nobody watches";

  WsTestClient ws(edge->port());
  ASSERT_EQ(ws.handshake().status, 101);
  ws.sendText(subscribeMessage("stats", "minute"));
  core::Value first = ws.nextJson();
  ASSERT_EQ(op(first), "value") << core::toJson(first);
  EXPECT_EQ(first.asMap().at("period"), core::Value("minute"));
  EXPECT_EQ(integer(first, "boundary"), kT0) << "the minute the subscribe landed in";
  EXPECT_EQ(static_cast<uint64_t>(integer(first, "sequence")), resultsOf(*engine).sequence);
  expectSameStats(statsOfValue(first), statsOfStore(*engine));
  EXPECT_EQ(periods.nextBoundaryMs(WsPeriod::Minute), kT0 + kMinute);
  EXPECT_EQ(periods.nextBoundaryMs(WsPeriod::Hour), std::nullopt) << "nobody watches hours";

  // Between boundaries nothing arrives, whatever changes.
  writeAndSettle(10, 30);
  edge_clock.setMs(kT0 + kMinute - 1);
  std::this_thread::sleep_for(kSeveralPolls);
  EXPECT_TRUE(drainUntilPong(ws).empty());

  edge_clock.setMs(kT0 + kMinute + 1);
  core::Value value = ws.nextJson();
  ASSERT_EQ(op(value), "value") << core::toJson(value);
  EXPECT_EQ(integer(value, "boundary"), kT0 + kMinute);
  EXPECT_EQ(static_cast<uint64_t>(integer(value, "sequence")), resultsOf(*engine).sequence)
      << "the latest value at the boundary";
  EXPECT_GT(integer(value, "sequence"), integer(first, "sequence"));
  expectSameStats(statsOfValue(value), statsOfStore(*engine));
  std::this_thread::sleep_for(kSeveralPolls);
  EXPECT_TRUE(drainUntilPong(ws).empty()) << "one value per boundary";

  // Its watcher leaves: the minute is not scheduled again after its next boundary.
  ws.sendText(R"({"op":"unsubscribe","query":"stats","period":"minute"})");
  drainUntilPong(ws);
  edge_clock.setMs(kT0 + 2 * kMinute + 1);
  EXPECT_TRUE(eventually([&] { return !periods.nextBoundaryMs(WsPeriod::Minute); }));
  EXPECT_TRUE(drainUntilPong(ws).empty());
}

TEST_F(EdgeWsPeriodNats, APeriodSubscribeOfAnUnknownQueryIsRefused) {
  edge = startEdge(config_text, edge_clock);
  WsTestClient ws(edge->port());
  ws.sendText(subscribeMessage("nope", "hour"));
  core::Value error = ws.nextJson();
  EXPECT_EQ(op(error), "error");
  EXPECT_EQ(error.asMap().at("code"), core::Value("query_not_found"));
  EXPECT_EQ(edge->edgeNode()->wsBackend().periods().nextBoundaryMs(WsPeriod::Hour), std::nullopt);
}

}  // namespace
}  // namespace livedash::testing
