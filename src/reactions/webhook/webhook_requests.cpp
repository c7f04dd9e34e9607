// src/reactions/webhook/webhook_requests.cpp
#include "reactions/webhook/webhook_requests.hpp"

#include "reactions/log/template_renderer.hpp"
#include "reactions/row_context.hpp"

namespace livedash::reactions {
namespace {

using Row = std::vector<core::Value>;

// The default body of a per-row route: the row alone, in the shape of a whole diff, so a
// receiver parses one format whether or not routes are configured.
std::string oneRowDiffJson(const engine::QueryDiff& diff, const Row* before, const Row* after) {
  engine::QueryDiff one;
  one.query_id = diff.query_id;
  one.sequence = diff.sequence;
  one.timestamp_ms = diff.timestamp_ms;
  one.columns = diff.columns;
  if (before && after) {
    one.updated.emplace_back(*before, *after);
  } else if (after) {
    one.added.push_back(*after);
  } else {
    one.deleted.push_back(*before);
  }
  return engine::diffJson(one);
}

WebhookRequest requestOf(const WebhookOptions& options, const WebhookRoute& route,
                         std::string body) {
  WebhookRequest request{route.method, resolveWebhookUrl(options.base_url, route.url),
                         options.headers, std::move(body)};
  request.headers.insert(request.headers.end(), route.headers.begin(), route.headers.end());
  return request;
}

void addRowRequest(std::vector<WebhookRequest>& out, const WebhookOptions& options,
                   const std::optional<WebhookRoute>& route, const engine::QueryDiff& diff,
                   const char* operation, const Row* before, const Row* after) {
  if (!route) {
    return;
  }
  std::string body = route->body.empty()
                         ? oneRowDiffJson(diff, before, after)
                         : renderTemplate(route->body, rowContext(diff, operation, before, after));
  out.push_back(requestOf(options, *route, std::move(body)));
}

}  // namespace

std::string resolveWebhookUrl(const std::string& base_url, const std::string& url) {
  if (url.starts_with("http://") || url.starts_with("https://") || base_url.empty()) {
    return url;
  }
  if (url.empty()) {
    return base_url;
  }
  bool base_slash = base_url.ends_with('/');
  bool url_slash = url.starts_with('/');
  if (base_slash && url_slash) {
    return base_url + url.substr(1);
  }
  return base_slash || url_slash ? base_url + url : base_url + "/" + url;
}

std::vector<WebhookRequest> webhookRequestsFor(const WebhookOptions& options,
                                               const engine::QueryDiff& diff,
                                               const std::string& diff_json) {
  std::vector<WebhookRequest> out;
  auto routes = options.routes.find(diff.query_id);
  if (routes == options.routes.end()) {
    if (!options.base_url.empty()) {
      out.push_back(WebhookRequest{"POST", options.base_url, options.headers, diff_json});
    }
    return out;
  }
  const WebhookQueryRoutes& r = routes->second;
  for (const Row& row : diff.added) {
    addRowRequest(out, options, r.added, diff, "ADD", nullptr, &row);
  }
  for (const auto& [before, after] : diff.updated) {
    addRowRequest(out, options, r.updated, diff, "UPDATE", &before, &after);
  }
  for (const Row& row : diff.deleted) {
    addRowRequest(out, options, r.deleted, diff, "DELETE", &row, nullptr);
  }
  return out;
}

}  // namespace livedash::reactions
