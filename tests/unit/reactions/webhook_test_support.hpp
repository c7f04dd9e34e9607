// tests/unit/reactions/webhook_test_support.hpp
//
// Diffs to feed a reaction, the real HTTP client as its sender, and a poll-until helper.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/query_diff.hpp"
#include "reactions/webhook/webhook_options.hpp"
#include "server/http_client.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::reactions::test {

//! waitFor with a longer patience: the deliveries waited on include retries with backoff.
inline bool eventually(const std::function<bool()>& done) {
  return server::test::waitFor(done, std::chrono::seconds(10));
}

inline engine::QueryDiff orderDiff(uint64_t sequence) {
  engine::QueryDiff d;
  d.query_id = "orders";
  d.sequence = sequence;
  d.timestamp_ms = 1700000000000;
  d.columns = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"orderId", "status"});
  return d;
}

inline std::vector<core::Value> orderRow(int64_t id, const char* status) {
  return {core::Value(id), core::Value(status)};
}

//! The server's HTTP client, as the app wires it.
inline WebhookResponse httpSend(const WebhookRequest& r, std::chrono::milliseconds timeout) {
  server::HttpClientResponse in =
      server::sendHttpRequest({r.method, r.url, r.headers, r.body, timeout});
  return WebhookResponse{in.status, in.error, in.invalid_request};
}

}  // namespace livedash::reactions::test
