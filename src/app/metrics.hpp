// src/app/metrics.hpp
//
// GET /metrics in Prometheus' text format (prometheus-cpp's registry and serializer). Most values
// are read when scraped, from the counters and statuses the parts already keep, so nothing on
// the data path pays for metrics it does not update itself. The one exception is the per-query
// latency histogram, fed by observeDiff() on the engine thread: one clock read and one bucket
// increment per diff (not per subscriber).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/engine_thread.hpp"
#include "app/runtime_registry.hpp"
#include "app/ws_feed.hpp"
#include "core/clock.hpp"
#include "server/http_server.hpp"
#include "sources/source.hpp"

namespace livedash::reactions {
class JetStreamPublisher;
}  // namespace livedash::reactions

namespace prometheus {
class Histogram;
class Registry;
}  // namespace prometheus

namespace livedash::app {

struct MetricsInputs {
  const EngineThread& engine;
  //! Sources, queries and reactions as they are at each scrape (they change at run time).
  const RuntimeRegistry& registry;
  const server::WsEndpoint& websocket;
  const WsFeed& ws_feed;
  const core::Clock& clock;
  //! `--role engine`: its JetStream publisher's queue. Null otherwise.
  const reactions::JetStreamPublisher* publisher = nullptr;
};

class Metrics {
 public:
  explicit Metrics(MetricsInputs inputs);
  ~Metrics();
  //! The exposition text. Thread-safe.
  std::string render();
  //! On the engine thread, for each diff: commit time of the source transaction → diff ready.
  void observeDiff(const engine::QueryDiff& diff);

 private:
  struct Families;
  MetricsInputs in_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::mutex mutex_;
  //! Each query's histogram, looked up on the engine thread only.
  std::unordered_map<std::string, prometheus::Histogram*> latency_by_query_;
  //! What each stream's write latency held at the last scrape (under mutex_).
  std::map<std::string, server::LatencyHistogram::Snapshot> last_write_latency_;
  //! One histogram per reaction, over all of its stream paths.
  void addWriteLatency(const std::string& reaction,
                       const std::vector<server::SseStreamSharedPtr>& streams);
  void renderSources();
  void renderQueries();
  void renderReactions();
  void renderPublisher();
  void renderWebSocket();
  //! Drops the series of components deleted since the last scrape.
  void forgetGone(const std::string& label, const std::set<std::string>& now,
                  std::set<std::string>& before);
  std::set<std::string> last_sources_;
  std::set<std::string> last_queries_;
  std::set<std::string> last_reactions_;
};

}  // namespace livedash::app
