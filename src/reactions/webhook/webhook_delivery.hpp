// src/reactions/webhook/webhook_delivery.hpp
//
// The worker thread of one webhook: a bounded FIFO of requests sent one at a time, in order,
// each retried with exponential backoff and jitter on a connection error, a timeout, a 5xx or a
// 429, until it succeeds or uses up its attempts. Other 4xx answers, and requests that cannot be
// sent as given (an https:// or malformed URL), are not retried.
//
// Invariants:
// - at most one request is in flight, and requests leave in the order they were queued;
// - the queue never holds more than `capacity` requests: enqueue drops the oldest waiting one;
// - enqueue never blocks on the network, so the engine thread may call it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "reactions/webhook/webhook_options.hpp"

namespace livedash::reactions {

struct WebhookStats {
  uint64_t delivered = 0;  //!< answered 2xx or 3xx
  uint64_t failed = 0;     //!< given up: attempts used up, or a 4xx other than 429
  uint64_t dropped = 0;    //!< pushed out of a full queue before being sent
  uint64_t retries = 0;    //!< attempts after the first
  uint64_t queued = 0;     //!< waiting to be sent now (the one in flight not counted)
};

class WebhookDelivery {
 public:
  WebhookDelivery(std::string reaction_id, WebhookSender sender, std::chrono::milliseconds timeout,
                  WebhookRetryPolicy retry, size_t capacity);
  //! Stops after the request in flight (waits at most its timeout); queued ones are dropped.
  ~WebhookDelivery();
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  void enqueue(WebhookRequest request);
  WebhookStats stats() const;

 private:
  void run();
  void deliver(const WebhookRequest& request);
  //! False when stopping interrupted the wait.
  bool pause(int64_t ms);

  const std::string reaction_id_;
  const WebhookSender sender_;
  const std::chrono::milliseconds timeout_;
  const WebhookRetryPolicy retry_;
  const size_t capacity_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WebhookRequest> queue_;
  bool stopping_ = false;

  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> retries_{0};

  std::thread worker_;  // last: it starts once every member above exists
};

}  // namespace livedash::reactions
