// src/app/edge_ws_feed.cpp
#include "app/edge_ws_feed.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
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
  queries_.clear();
}

void EdgeWsFeed::setEndpoint(server::WsEndpointSharedPtr endpoint) {
  endpoint_ = std::move(endpoint);
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
  auto it = queries_.find(request.query);
  if (it == queries_.end()) {
    auto error = std::make_shared<core::Frame>();
    error->bytes =
        server::wsErrorMessage(request.query, request.period, core::ErrorCode::QueryNotFound,
                               fmt::format("no query `{}`", request.query));
    endpoint_->reject(request.subscriber, server::wsChannel(request.query, request.period),
                      std::move(error));
    return;
  }
  it->second->subscribe(std::move(request));
}

bool EdgeWsFeed::consuming(const std::string& query) const {
  auto it = queries_.find(query);
  return it != queries_.end() && it->second->consuming();
}

}  // namespace livedash::app
