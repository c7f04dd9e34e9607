// src/reactions/webhook/webhook_reaction.cpp
#include "reactions/webhook/webhook_reaction.hpp"

#include "reactions/webhook/webhook_requests.hpp"

namespace livedash::reactions {

WebhookReaction::WebhookReaction(WebhookOptions options, WebhookSender sender)
    : options_(std::move(options)),
      delivery_(options_.id, std::move(sender), options_.timeout, options_.retry,
                options_.queue_capacity) {}

void WebhookReaction::onDiff(const engine::QueryDiff& diff, const std::string& diff_json) {
  for (WebhookRequest& request : webhookRequestsFor(options_, diff, diff_json)) {
    delivery_.enqueue(std::move(request));
  }
}

}  // namespace livedash::reactions
