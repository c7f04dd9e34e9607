// tests/unit/reactions/webhook_delivery_test.cpp
//
// The delivery queue with a fake sender that blocks: a full queue drops its oldest request, and
// enqueue never waits for the network.
#include "reactions/webhook/webhook_delivery.hpp"

#include <future>

#include <gtest/gtest.h>

#include "webhook_test_support.hpp"

namespace livedash::reactions {
namespace {

TEST(WebhookDelivery, FullQueueDropsTheOldestWaitingRequest) {
  std::mutex mutex;
  std::vector<std::string> sent;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first_in_flight{false};
  auto sender = [&](const WebhookRequest& r, std::chrono::milliseconds) {
    first_in_flight = true;
    released.wait();
    std::lock_guard lock(mutex);
    sent.push_back(r.body);
    return WebhookResponse{200, {}};
  };
  WebhookDelivery delivery("hook", sender, std::chrono::milliseconds(100), {}, 2);
  delivery.enqueue({"POST", "http://x/", {}, "1"});
  ASSERT_TRUE(test::eventually([&] { return first_in_flight.load(); }));
  // The sender is stuck on "1": these return at once, and only the newest two stay queued.
  for (const char* body : {"2", "3", "4", "5"}) {
    delivery.enqueue({"POST", "http://x/", {}, body});
  }
  EXPECT_EQ(delivery.stats().dropped, 2u);
  release.set_value();
  ASSERT_TRUE(test::eventually([&] { return delivery.stats().delivered == 3; }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(sent, (std::vector<std::string>{"1", "4", "5"}));
}

}  // namespace
}  // namespace livedash::reactions
