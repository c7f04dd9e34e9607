// src/app/metrics.cpp
#include "app/metrics.hpp"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "reactions/jetstream/jetstream_publisher.hpp"

namespace livedash::app {

namespace {

constexpr sources::SourceState kStates[] = {
    sources::SourceState::Stopped,       sources::SourceState::Connecting,
    sources::SourceState::Bootstrapping, sources::SourceState::Streaming,
    sources::SourceState::Reconnecting,  sources::SourceState::Failed};

// Commit to diff (or to socket) is milliseconds when livedash keeps up, and seconds when it falls
// behind or a source replays a backlog. One set of buckets for both histograms, the server's.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = [] {
  prometheus::Histogram::BucketBoundaries bounds;
  for (int64_t ms : server::LatencyHistogram::kBoundsMs)
    bounds.push_back(static_cast<double>(ms) / 1000.0);
  return bounds;
}();

// Counters only go up; the parts keep running totals, so a scrape adds what is new.
void advanceTo(prometheus::Counter& counter, double total) {
  double now = counter.Value();
  if (total > now)
    counter.Increment(total - now);
}

}  // namespace

struct Metrics::Families {
  prometheus::Family<prometheus::Counter>& batches;
  prometheus::Family<prometheus::Counter>& changes;
  prometheus::Family<prometheus::Counter>& diffs;
  prometheus::Family<prometheus::Gauge>& source_up;
  prometheus::Family<prometheus::Gauge>& source_state;
  prometheus::Family<prometheus::Counter>& reconnects;
  prometheus::Family<prometheus::Gauge>& last_commit;
  prometheus::Family<prometheus::Gauge>& lag_bytes;
  prometheus::Family<prometheus::Gauge>& staleness;
  prometheus::Family<prometheus::Gauge>& sse_clients;
  prometheus::Family<prometheus::Counter>& sse_dropped;
  prometheus::Family<prometheus::Gauge>& queue_depth;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Family<prometheus::Histogram>& write_latency;
  prometheus::Family<prometheus::Gauge>& query_running;
  prometheus::Family<prometheus::Gauge>& reaction_running;
  prometheus::Family<prometheus::Gauge>& ws_clients;
  prometheus::Family<prometheus::Counter>& ws_dropped;
  prometheus::Family<prometheus::Counter>& ws_frames;
  prometheus::Family<prometheus::Counter>& ws_bytes;
  prometheus::Family<prometheus::Counter>& webhook_delivered;
  prometheus::Family<prometheus::Counter>& webhook_failed;
  prometheus::Family<prometheus::Counter>& webhook_dropped;
  prometheus::Family<prometheus::Gauge>& webhook_queue;
  prometheus::Family<prometheus::Gauge>& jetstream_queue;
  prometheus::Family<prometheus::Counter>& jetstream_retries;
  prometheus::Family<prometheus::Counter>& jetstream_dropped;
};

Metrics::Metrics(MetricsInputs inputs)
    : in_(std::move(inputs)), registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  families_ = std::unique_ptr<Families>(new Families{
      prometheus::BuildCounter()
          .Name("livedash_batches_applied_total")
          .Help("Source transactions applied by the engine")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_changes_applied_total")
          .Help("Row changes applied by the engine")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_diffs_total")
          .Help("Query result diffs handed to reactions")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_source_up")
          .Help("1 when the source is streaming, 0 otherwise")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_source_state")
          .Help("1 for the source's current state, 0 for the others")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_source_reconnects_total")
          .Help("Connections a source lost and made again")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_source_last_commit_timestamp_seconds")
          .Help("Commit time of the last transaction applied from the source")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_source_replication_lag_bytes")
          .Help("WAL the server has sent that is not applied yet")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_source_seconds_since_last_commit")
          .Help("Age of the last applied commit (staleness when the database is busy)")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_sse_clients")
          .Help("Connected SSE clients per reaction")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_sse_dropped_clients_total")
          .Help("SSE clients dropped (sent must-refetch) for falling too far behind")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_engine_queue_depth")
          .Help("Source batches and calls waiting for the engine thread")
          .Register(r),
      prometheus::BuildHistogram()
          .Name("livedash_query_latency_seconds")
          .Help("Commit time of the source transaction to the query's diff being ready")
          .Register(r),
      prometheus::BuildHistogram()
          .Name("livedash_sse_write_latency_seconds")
          .Help("Commit time of the source transaction to the end of the first SSE socket write "
                "carrying its diff, per IO thread")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_query_running")
          .Help("1 while the query runs, 0 while it is stopped or failed")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_reaction_running")
          .Help("1 while the reaction receives diffs, 0 while it is stopped")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_ws_clients")
          .Help("Connected WebSocket clients")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_ws_dropped_clients_total")
          .Help("WebSocket clients closed (must-refetch) for falling too far behind")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_ws_frames_sent_total")
          .Help("WebSocket messages written to clients")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_ws_bytes_sent_total")
          .Help("Payload bytes of the WebSocket messages written to clients")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_webhook_deliveries_total")
          .Help("Webhook requests answered with 2xx or 3xx")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_webhook_failures_total")
          .Help("Webhook requests given up on (attempts used up, or refused with a 4xx)")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_webhook_dropped_total")
          .Help("Webhook requests pushed out of a full queue before being sent")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_webhook_queue_depth")
          .Help("Webhook requests waiting to be sent")
          .Register(r),
      prometheus::BuildGauge()
          .Name("livedash_jetstream_queue_depth")
          .Help("Engine node: diffs and snapshots waiting for JetStream")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_jetstream_publish_retries_total")
          .Help("Engine node: JetStream publishes retried (no quorum, lost connection)")
          .Register(r),
      prometheus::BuildCounter()
          .Name("livedash_jetstream_dropped_diffs_total")
          .Help("Engine node: diffs dropped because the publish queue was full; their queries "
                "were republished from a snapshot")
          .Register(r),
  });
}

Metrics::~Metrics() = default;

std::string Metrics::render() {
  std::lock_guard lock(mutex_);
  Families& f = *families_;
  advanceTo(f.batches.Add({}), static_cast<double>(in_.engine.appliedBatches()));
  advanceTo(f.changes.Add({}), static_cast<double>(in_.engine.appliedChanges()));
  advanceTo(f.diffs.Add({}), static_cast<double>(in_.engine.diffsOut()));
  renderSources();
  renderQueries();
  renderReactions();
  renderWebSocket();
  renderPublisher();
  f.queue_depth.Add({}).Set(static_cast<double>(in_.engine.queueDepth()));
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

void Metrics::renderSources() {
  Families& f = *families_;
  int64_t now_ms = in_.clock.nowMs();
  std::set<std::string> ids;
  for (const SourceView& view : in_.registry.sources()) {
    const std::string& id = view.config.id;
    ids.insert(id);
    sources::SourceStatus s = view.source ? view.source->status() : sources::SourceStatus{};
    f.source_up.Add({{"source", id}}).Set(s.state == sources::SourceState::Streaming ? 1 : 0);
    for (sources::SourceState state : kStates) {
      f.source_state.Add({{"source", id}, {"state", sources::sourceStateName(state)}})
          .Set(s.state == state ? 1 : 0);
    }
    advanceTo(f.reconnects.Add({{"source", id}}), static_cast<double>(s.reconnects));
    if (s.last_commit_ms > 0) {
      f.last_commit.Add({{"source", id}}).Set(static_cast<double>(s.last_commit_ms) / 1000.0);
      f.staleness.Add({{"source", id}})
          .Set(static_cast<double>(now_ms - s.last_commit_ms) / 1000.0);
    }
    if (s.lag_bytes >= 0)
      f.lag_bytes.Add({{"source", id}}).Set(static_cast<double>(s.lag_bytes));
  }
  for (const std::string& gone : last_sources_) {
    if (ids.count(gone))
      continue;
    for (sources::SourceState state : kStates) {
      f.source_state.Remove(
          &f.source_state.Add({{"source", gone}, {"state", sources::sourceStateName(state)}}));
    }
  }
  forgetGone("source", ids, last_sources_);
}

void Metrics::renderPublisher() {
  if (!in_.publisher)
    return;
  Families& f = *families_;
  f.jetstream_queue.Add({}).Set(static_cast<double>(in_.publisher->queueDepth()));
  advanceTo(f.jetstream_retries.Add({}), static_cast<double>(in_.publisher->retries()));
  advanceTo(f.jetstream_dropped.Add({}), static_cast<double>(in_.publisher->droppedDiffs()));
}

void Metrics::renderQueries() {
  std::set<std::string> ids;
  for (const QueryView& view : in_.registry.queries()) {
    ids.insert(view.config.id);
    families_->query_running.Add({{"query", view.config.id}}).Set(view.running ? 1 : 0);
  }
  forgetGone("query", ids, last_queries_);
}

void Metrics::renderReactions() {
  Families& f = *families_;
  std::set<std::string> ids;
  for (const ReactionView& view : in_.registry.reactions()) {
    const std::string& id = view.config.id;
    ids.insert(id);
    f.reaction_running.Add({{"reaction", id}}).Set(view.running ? 1 : 0);
    if (!view.streams.empty()) {
      size_t clients = 0;
      uint64_t dropped = 0;
      for (const server::SseStreamSharedPtr& stream : view.streams) {
        clients += stream->clientCount();
        dropped += stream->droppedClients();
      }
      f.sse_clients.Add({{"reaction", id}}).Set(static_cast<double>(clients));
      advanceTo(f.sse_dropped.Add({{"reaction", id}}), static_cast<double>(dropped));
      addWriteLatency(id, view.streams);
    }
    if (view.webhook) {
      reactions::WebhookStats w = view.webhook->stats();
      advanceTo(f.webhook_delivered.Add({{"reaction", id}}), static_cast<double>(w.delivered));
      advanceTo(f.webhook_failed.Add({{"reaction", id}}), static_cast<double>(w.failed));
      advanceTo(f.webhook_dropped.Add({{"reaction", id}}), static_cast<double>(w.dropped));
      f.webhook_queue.Add({{"reaction", id}}).Set(static_cast<double>(w.queued));
    }
  }
  for (const std::string& gone : last_reactions_) {
    if (ids.count(gone) || !last_write_latency_.count(gone))
      continue;
    f.write_latency.Remove(&f.write_latency.Add({{"reaction", gone}}, kLatencyBuckets));
    last_write_latency_.erase(gone);
  }
  forgetGone("reaction", ids, last_reactions_);
}

void Metrics::renderWebSocket() {
  Families& f = *families_;
  f.ws_clients.Add({}).Set(static_cast<double>(in_.websocket.clientCount()));
  advanceTo(f.ws_dropped.Add({}), static_cast<double>(in_.websocket.droppedClients()));
  advanceTo(f.ws_frames.Add({}), static_cast<double>(in_.websocket.framesSent()));
  advanceTo(f.ws_bytes.Add({}), static_cast<double>(in_.websocket.bytesSent()));
}

namespace {

// Removes the series `{label="id"}` from a family, if it has one (Add then Remove: prometheus-cpp
// finds series by their labels only through Add).
template <class Metric>
void removeSeries(prometheus::Family<Metric>& family, const prometheus::Labels& labels) {
  if (family.Has(labels))
    family.Remove(&family.Add(labels));
}

}  // namespace

void Metrics::forgetGone(const std::string& label, const std::set<std::string>& now,
                         std::set<std::string>& before) {
  Families& f = *families_;
  for (const std::string& gone : before) {
    if (now.count(gone))
      continue;
    prometheus::Labels labels{{label, gone}};
    removeSeries(f.source_up, labels);
    removeSeries(f.reconnects, labels);
    removeSeries(f.last_commit, labels);
    removeSeries(f.lag_bytes, labels);
    removeSeries(f.staleness, labels);
    removeSeries(f.query_running, labels);
    removeSeries(f.reaction_running, labels);
    removeSeries(f.sse_clients, labels);
    removeSeries(f.sse_dropped, labels);
    removeSeries(f.webhook_delivered, labels);
    removeSeries(f.webhook_failed, labels);
    removeSeries(f.webhook_dropped, labels);
    removeSeries(f.webhook_queue, labels);
  }
  before = now;
}

// The server counts in its own fixed buckets; each scrape adds what is new since the last one.
void Metrics::addWriteLatency(const std::string& reaction,
                              const std::vector<server::SseStreamSharedPtr>& streams) {
  server::LatencyHistogram::Snapshot now = streams.front()->writeLatency();
  for (size_t s = 1; s < streams.size(); ++s) {
    server::LatencyHistogram::Snapshot more = streams[s]->writeLatency();
    for (size_t i = 0; i < now.counts.size() && i < more.counts.size(); ++i)
      now.counts[i] += more.counts[i];
    now.sum_ms += more.sum_ms;
  }
  server::LatencyHistogram::Snapshot& last = last_write_latency_[reaction];
  std::vector<double> increments(now.counts.size());
  for (size_t i = 0; i < now.counts.size(); ++i)
    increments[i] = static_cast<double>(now.counts[i] - last.counts[i]);
  families_->write_latency.Add({{"reaction", reaction}}, kLatencyBuckets)
      .ObserveMultiple(increments, static_cast<double>(now.sum_ms - last.sum_ms) / 1000.0);
  last = now;
}

void Metrics::observeDiff(const engine::QueryDiff& diff) {
  auto it = latency_by_query_.find(diff.query_id);
  if (it == latency_by_query_.end()) {
    prometheus::Histogram& h = families_->latency.Add({{"query", diff.query_id}}, kLatencyBuckets);
    it = latency_by_query_.emplace(diff.query_id, &h).first;
  }
  // Clamped: a database clock slightly ahead of ours would make it negative.
  const int64_t elapsed_ms = std::max<int64_t>(0, in_.clock.nowMs() - diff.timestamp_ms);
  it->second->Observe(static_cast<double>(elapsed_ms) / 1000.0);
}

}  // namespace livedash::app
