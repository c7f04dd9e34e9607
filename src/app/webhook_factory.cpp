// src/app/webhook_factory.cpp
#include "app/webhook_factory.hpp"

#include "config/config_enums.hpp"
#include "reactions/webhook/webhook_reaction.hpp"
#include "server/http_client.hpp"

namespace livedash::app {
namespace {

std::optional<reactions::WebhookRoute> routeOf(const std::optional<config::HttpAction>& action) {
  if (!action) {
    return std::nullopt;
  }
  reactions::WebhookRoute route;
  route.url = action->url;
  route.method = std::string(config::enumName(action->method));
  route.body = action->body;
  route.headers.assign(action->headers.begin(), action->headers.end());
  return route;
}

reactions::WebhookSender senderTrusting(std::string ca_file) {
  return [ca_file = std::move(ca_file)](const reactions::WebhookRequest& request,
                                        std::chrono::milliseconds timeout) {
    server::HttpClientRequest out{request.method, request.url, request.headers,
                                  request.body,   timeout,     ca_file};
    server::HttpClientResponse in = server::sendHttpRequest(out);
    return reactions::WebhookResponse{in.status, std::move(in.error), in.invalid_request};
  };
}

}  // namespace

reactions::WebhookOptions webhookOptions(const config::ReactionConfig& reaction,
                                         const config::HttpReactionConfig& http) {
  reactions::WebhookOptions o;
  o.id = reaction.id;
  o.queries = reaction.queries;
  o.base_url = http.base_url;
  if (!http.token.empty()) {
    o.headers.emplace_back("Authorization", "Bearer " + http.token);
  }
  o.headers.insert(o.headers.end(), http.headers.begin(), http.headers.end());
  for (const auto& [query, routes] : http.routes) {
    o.routes[query] = reactions::WebhookQueryRoutes{routeOf(routes.added), routeOf(routes.updated),
                                                    routeOf(routes.deleted)};
  }
  o.timeout = std::chrono::milliseconds(http.timeout_ms);
  o.retry = reactions::WebhookRetryPolicy{static_cast<int>(http.max_attempts),
                                          http.retry_initial_ms, http.retry_max_ms};
  o.queue_capacity = http.queue_capacity;
  return o;
}

std::unique_ptr<reactions::WebhookReaction> makeWebhookReaction(
    const config::ReactionConfig& reaction, const config::HttpReactionConfig& http) {
  return std::make_unique<reactions::WebhookReaction>(webhookOptions(reaction, http),
                                                      senderTrusting(http.ca_file));
}

}  // namespace livedash::app
