// src/reactions/webhook/webhook_reaction.hpp
#pragma once

#include "reactions/reaction.hpp"
#include "reactions/webhook/webhook_delivery.hpp"
#include "reactions/webhook/webhook_options.hpp"

namespace livedash::reactions {

//! POSTs each diff of its queries to a URL (or one request per changed row, rendered from
//! per-query, per-kind templates). onDiff only builds the requests and queues them; a worker
//! thread owned by the reaction sends them in order, one at a time, with retries.
class WebhookReaction final : public Reaction {
 public:
  WebhookReaction(WebhookOptions options, WebhookSender sender);
  const std::string& id() const override { return options_.id; }
  const std::vector<std::string>& queries() const override { return options_.queries; }
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;
  WebhookStats stats() const { return delivery_.stats(); }

 private:
  const WebhookOptions options_;
  WebhookDelivery delivery_;
};

}  // namespace livedash::reactions
