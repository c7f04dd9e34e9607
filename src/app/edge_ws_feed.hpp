// src/app/edge_ws_feed.hpp
//
// An edge's WebSocket backend: the same protocol as a single process (docs/websocket.md). Live
// subscriptions of each query are fed from JetStream while someone watches it (edge_ws_query.hpp);
// period subscriptions get values read as REST reads them, at the boundaries of the edge's clock
// (edge_ws_periods.hpp). It serves the queries of its config and any other query an engine has
// published a snapshot of (one created at run time through an engine's operations API); a query
// with no snapshot gets query_not_found.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/edge_ws_periods.hpp"
#include "app/edge_ws_query.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

class EdgeWsFeed final : public server::WsBackend {
 public:
  //! `client` and `clock` must outlive the feed.
  EdgeWsFeed(reactions::NatsClient& client, const core::Clock& clock, std::string stream,
             std::vector<std::string> queries, int64_t idle_ms, EdgeSnapshotReader snapshots);
  ~EdgeWsFeed() override;

  //! Where frames go; starts each query's thread and the periods'. Before the server starts.
  void setEndpoint(server::WsEndpointSharedPtr endpoint);
  //! On an IO thread: the query's thread answers. The first subscribe of a query the config
  //! does not list looks its snapshot up in the bucket first (one JetStream round trip).
  void subscribe(server::WsSubscribeRequest request) override;
  //! Whether a JetStream consumer of `query` is open now (tests).
  bool consuming(const std::string& query) const;
  //! The period subscriptions (tests).
  const EdgeWsPeriods& periods() const { return *periods_; }

 private:
  //! The live feed of `query`, or nullptr.
  EdgeWsQuery* find(const std::string& query) const;
  //! The live feed of a query the config does not list, started if an engine published it; else
  //! rejects the subscribe and gives nullptr.
  EdgeWsQuery* addPublished(const server::WsSubscribeRequest& request);

  reactions::NatsClient& client_;
  const core::Clock& clock_;
  const std::string stream_;
  const std::vector<std::string> query_ids_;
  const int64_t idle_ms_;
  EdgeSnapshotReader snapshots_;
  server::WsEndpointSharedPtr endpoint_;
  mutable std::mutex mutex_;
  //! Guarded by mutex_; entries are never removed before the destructor, so a found feed stays.
  std::map<std::string, std::unique_ptr<EdgeWsQuery>> queries_;
  std::unique_ptr<EdgeWsPeriods> periods_;
};

}  // namespace livedash::app
