// src/reactions/webhook/webhook_delivery.cpp
#include "reactions/webhook/webhook_delivery.hpp"

#include <spdlog/spdlog.h>

#include "core/backoff.hpp"

namespace livedash::reactions {
namespace {

// A receiver that is down or overloaded may recover; one that rejects the request will not.
bool retryable(const WebhookResponse& response) {
  if (response.permanent) {
    return false;
  }
  return response.status == 0 || response.status == 429 || response.status >= 500;
}

std::string outcomeOf(const WebhookResponse& response) {
  return response.status == 0 ? response.error : "HTTP " + std::to_string(response.status);
}

}  // namespace

WebhookDelivery::WebhookDelivery(std::string reaction_id, WebhookSender sender,
                                 std::chrono::milliseconds timeout, WebhookRetryPolicy retry,
                                 size_t capacity)
    : reaction_id_(std::move(reaction_id)),
      sender_(std::move(sender)),
      timeout_(timeout),
      retry_(retry),
      capacity_(std::max<size_t>(capacity, 1)),
      worker_([this] { run(); }) {}

WebhookDelivery::~WebhookDelivery() {
  size_t abandoned = 0;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    abandoned = queue_.size();
  }
  wake_.notify_all();
  worker_.join();
  if (abandoned > 0) {
    spdlog::warn("webhook `{}`: stopped with {} request(s) not sent", reaction_id_, abandoned);
  }
}

void WebhookDelivery::enqueue(WebhookRequest request) {
  bool dropped = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      dropped = true;
    }
    queue_.push_back(std::move(request));
  }
  wake_.notify_one();
  if (dropped) {
    // Counted every time, logged on powers of two so a dead receiver does not flood the log.
    uint64_t n = ++dropped_;
    if ((n & (n - 1)) == 0) {
      spdlog::warn("webhook `{}`: queue full ({} requests); dropped the oldest ({} so far)",
                   reaction_id_, capacity_, n);
    }
  }
}

WebhookStats WebhookDelivery::stats() const {
  size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    queued = queue_.size();
  }
  return WebhookStats{delivered_.load(), failed_.load(), dropped_.load(), retries_.load(), queued};
}

void WebhookDelivery::run() {
  for (;;) {
    WebhookRequest request;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    deliver(request);
  }
}

void WebhookDelivery::deliver(const WebhookRequest& request) {
  core::Backoff backoff(retry_.initial_backoff_ms, retry_.max_backoff_ms);
  for (int attempt = 1;; ++attempt) {
    WebhookResponse response = sender_(request, timeout_);
    if (!retryable(response)) {
      if (response.status != 0 && response.status < 400) {
        ++delivered_;
        return;
      }
      ++failed_;
      spdlog::error("webhook `{}`: {} {} refused with {}; not retried", reaction_id_,
                    request.method, request.url, outcomeOf(response));
      return;
    }
    if (attempt >= retry_.max_attempts) {
      ++failed_;
      spdlog::error("webhook `{}`: {} {} failed after {} attempt(s), last: {}; giving up",
                    reaction_id_, request.method, request.url, attempt, outcomeOf(response));
      return;
    }
    ++retries_;
    if (!pause(backoff.nextDelayMs())) {
      return;
    }
  }
}

bool WebhookDelivery::pause(int64_t ms) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

}  // namespace livedash::reactions
