// src/reactions/webhook/webhook_options.hpp
//
// What a webhook reaction is told, and the request/response it hands to its sender. The sender
// is a function so that this folder needs no HTTP library: app passes the server's HTTP client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace livedash::reactions {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

//! One request per changed row of this kind. `body` is a template; empty sends the row as a
//! one-row diff in the SSE data shape.
struct WebhookRoute {
  std::string url;  //!< absolute (`http://…`), or relative to the reaction's base URL
  std::string method = "POST";
  std::string body;
  HeaderList headers;
};

struct WebhookQueryRoutes {
  std::optional<WebhookRoute> added;
  std::optional<WebhookRoute> updated;
  std::optional<WebhookRoute> deleted;
};

struct WebhookRetryPolicy {
  int max_attempts = 5;  //!< including the first; 1 means no retry
  int64_t initial_backoff_ms = 200;
  int64_t max_backoff_ms = 10'000;
};

struct WebhookOptions {
  std::string id;
  std::vector<std::string> queries;
  //! Where a query without routes gets one POST per diff (the SSE data shape), and what a
  //! relative route URL is resolved against.
  std::string base_url;
  HeaderList headers;                                //!< on every request, before the route's own
  std::map<std::string, WebhookQueryRoutes> routes;  //!< by query id
  std::chrono::milliseconds timeout{10'000};
  WebhookRetryPolicy retry;
  size_t queue_capacity = 1000;  //!< requests waiting; past it the oldest is dropped
};

struct WebhookRequest {
  std::string method;
  std::string url;
  HeaderList headers;
  std::string body;
};

struct WebhookResponse {
  int status = 0;          //!< 0: no response
  std::string error;       //!< why there is no response
  bool permanent = false;  //!< no response, and none will come on retry (say, a bad URL)
};

//! Sends one request and waits for its answer; called on the reaction's worker thread only.
using WebhookSender =
    std::function<WebhookResponse(const WebhookRequest&, std::chrono::milliseconds timeout)>;

}  // namespace livedash::reactions
