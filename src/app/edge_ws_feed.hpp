// src/app/edge_ws_feed.hpp
//
// An edge's WebSocket backend: the same protocol as a single process (docs/websocket.md) for live
// subscriptions, each query fed from JetStream while someone watches it (edge_ws_query.hpp).
// Period subscriptions need the engine's clock and are refused on edges.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/edge_ws_query.hpp"
#include "server/ws_endpoint.hpp"

namespace livedash::app {

class EdgeWsFeed final : public server::WsBackend {
 public:
  //! `client` must outlive the feed.
  EdgeWsFeed(reactions::NatsClient& client, std::string stream, std::vector<std::string> queries,
             int64_t idle_ms, EdgeSnapshotReader snapshots);
  ~EdgeWsFeed() override;

  //! Where frames go; starts each query's thread. Before the server starts.
  void setEndpoint(server::WsEndpointSharedPtr endpoint);
  //! On an IO thread: the query's thread answers.
  void subscribe(server::WsSubscribeRequest request) override;
  //! Whether a JetStream consumer of `query` is open now (tests).
  bool consuming(const std::string& query) const;

 private:
  reactions::NatsClient& client_;
  const std::string stream_;
  const std::vector<std::string> query_ids_;
  const int64_t idle_ms_;
  EdgeSnapshotReader snapshots_;
  server::WsEndpointSharedPtr endpoint_;
  std::map<std::string, std::unique_ptr<EdgeWsQuery>> queries_;
};

}  // namespace livedash::app
