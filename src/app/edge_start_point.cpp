// src/app/edge_start_point.cpp
#include "app/edge_start_point.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "reactions/jetstream/cluster_names.hpp"

namespace livedash::app {
namespace {

//! How long a probe waits for a message it knows is there (the snapshot's own diff is).
constexpr int64_t kProbeTimeoutMs = 5'000;
//! Probes before giving up and starting at the snapshot; each doubles the step back.
constexpr int kMaxProbes = 24;

//! The query sequence of the subject's first message at or after stream sequence `from`.
uint64_t firstSequenceFrom(reactions::NatsClient& client, const std::string& stream,
                           const std::string& subject, uint64_t from) {
  std::optional<reactions::StoredMessage> msg =
      client.firstMessageFrom(stream, subject, from, kProbeTimeoutMs);
  if (!msg) {
    throw core::Error(core::ErrorCode::Internal,
                      fmt::format("jetstream: timed out reading `{}`", subject));
  }
  return reactions::querySequenceOf(*msg);
}

}  // namespace

uint64_t edgeStartPoint(reactions::NatsClient& client, const std::string& stream,
                        const std::string& query, std::optional<uint64_t> resume_after,
                        uint64_t max_back) {
  const std::string subject = reactions::diffSubject(stream, query);
  std::optional<std::string> text = client.get(reactions::snapshotBucket(stream), query);
  if (!text) {
    // No snapshot yet: whatever the subject holds is all there is.
    return client.lastMessage(stream, subject) ? 1 : 0;
  }
  const core::Value snapshot = core::parseJson(*text);
  const auto sequence = static_cast<uint64_t>(snapshot.asMap().at("sequence").asInteger());
  const auto at = static_cast<uint64_t>(snapshot.asMap().at("stream_sequence").asInteger());
  if (at == 0) {
    // A snapshot taken before the query's first diff; any diffs since are all there is.
    return client.lastMessage(stream, subject) ? 1 : 0;
  }
  if (!resume_after || *resume_after >= sequence || sequence - *resume_after > max_back) {
    return at;
  }
  // Other subjects' messages sit between this one's, so a step back of k stream positions passes
  // at most k of its diffs: start with the diffs the client lacks and double until the first
  // message read is at or before the one it needs next.
  uint64_t step = sequence - *resume_after;
  for (int probe = 0; probe < kMaxProbes; ++probe) {
    const uint64_t from = at > step ? at - step : 1;
    if (from == 1 || firstSequenceFrom(client, stream, subject, from) <= *resume_after + 1) {
      return from;
    }
    step *= 2;
  }
  return at;
}

}  // namespace livedash::app
