// src/reactions/webhook/webhook_requests.hpp
//
// Turns a diff into the requests a webhook sends, with no I/O: a query with routes gets one
// request per changed row whose kind has a route; a query without routes gets one POST of the
// whole diff (the SSE data shape) to the base URL.
#pragma once

#include <string>
#include <vector>

#include "engine/query_diff.hpp"
#include "reactions/webhook/webhook_options.hpp"

namespace livedash::reactions {

std::vector<WebhookRequest> webhookRequestsFor(const WebhookOptions& options,
                                               const engine::QueryDiff& diff,
                                               const std::string& diff_json);

//! `url` if absolute, otherwise `base_url` and `url` joined by one `/`.
std::string resolveWebhookUrl(const std::string& base_url, const std::string& url);

}  // namespace livedash::reactions
