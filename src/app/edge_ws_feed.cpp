// src/app/edge_ws_feed.cpp
#include "app/edge_ws_feed.hpp"

#include <fmt/format.h>

#include "app/ws_messages.hpp"
#include "core/error.hpp"
#include "reactions/jetstream/cluster_names.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::app {

EdgeWsFeed::EdgeWsFeed(reactions::NatsClient& client, const core::Clock& clock, std::string stream,
                       std::vector<std::string> queries, int64_t idle_ms,
                       EdgeSnapshotReader snapshots)
    : client_(client),
      clock_(clock),
      stream_(std::move(stream)),
      query_ids_(std::move(queries)),
      idle_ms_(idle_ms),
      snapshots_(std::move(snapshots)) {}

// The threads go before the endpoint they publish to.
EdgeWsFeed::~EdgeWsFeed() {
  periods_.reset();
  std::lock_guard lock(mutex_);
  queries_.clear();
}

void EdgeWsFeed::setEndpoint(server::WsEndpointSharedPtr endpoint) {
  endpoint_ = std::move(endpoint);
  std::lock_guard lock(mutex_);
  for (const std::string& q : query_ids_) {
    queries_[q] = std::make_unique<EdgeWsQuery>(client_, EdgeWsQueryOptions{stream_, q, idle_ms_},
                                                *endpoint_, snapshots_);
  }
  periods_ = std::make_unique<EdgeWsPeriods>(clock_, *endpoint_, snapshots_);
}

void EdgeWsFeed::subscribe(server::WsSubscribeRequest request) {
  if (request.period != server::WsPeriod::Live) {
    periods_->subscribe(std::move(request));  // it answers query_not_found itself
    return;
  }
  EdgeWsQuery* query = find(request.query);
  if (!query) {
    query = addPublished(request);
  }
  if (query) {
    query->subscribe(std::move(request));
  }
}

EdgeWsQuery* EdgeWsFeed::find(const std::string& query) const {
  std::lock_guard lock(mutex_);
  auto it = queries_.find(query);
  return it == queries_.end() ? nullptr : it->second.get();
}

// A feed is a thread, so one is started only for a query an engine has published: a client
// naming queries at random costs a bucket lookup each, not a thread.
EdgeWsQuery* EdgeWsFeed::addPublished(const server::WsSubscribeRequest& r) {
  bool published = false;
  try {
    published = client_.entry(reactions::snapshotBucket(stream_), r.query).has_value();
  } catch (const core::Error&) {
    wsReject(*endpoint_, r, core::ErrorCode::SourceUnavailable, "JetStream did not answer; retry");
    return nullptr;
  }
  if (!published) {
    wsReject(*endpoint_, r, core::ErrorCode::QueryNotFound, fmt::format("no query `{}`", r.query));
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  std::unique_ptr<EdgeWsQuery>& feed = queries_[r.query];
  if (!feed) {  // unless a racing subscribe started it
    feed = std::make_unique<EdgeWsQuery>(client_, EdgeWsQueryOptions{stream_, r.query, idle_ms_},
                                         *endpoint_, snapshots_);
  }
  return feed.get();
}

bool EdgeWsFeed::consuming(const std::string& query) const {
  const EdgeWsQuery* feed = find(query);
  return feed && feed->consuming();
}

}  // namespace livedash::app
