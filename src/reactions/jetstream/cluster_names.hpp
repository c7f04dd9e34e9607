// src/reactions/jetstream/cluster_names.hpp
//
// Where livedash keeps things in JetStream, in one place (docs/scale-out.md):
// - stream `<stream>`, subjects `<stream>.diff.<query>`: one message per query diff, its data
//   the diff JSON exactly as the SSE `data:` line carries it;
// - header `Livedash-Sequence`: the query's sequence; `Nats-Msg-Id` `<query>:<sequence>`, so a
//   publish repeated after a lost acknowledgement is stored once;
// - bucket `<stream>_snapshots`, key `<query>`: the latest snapshot, as
//   `{"sequence":N,"stream_sequence":S,"data":[rows]}` where S is the stream sequence of the
//   query's last diff published before it (0: none), so a reader consumes from S + 1.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "reactions/jetstream/nats_client.hpp"

namespace livedash::reactions {

inline constexpr const char* kSequenceHeader = "Livedash-Sequence";

//! The query sequence a diff message carries in its header; 0 when it has none.
inline uint64_t querySequenceOf(const StoredMessage& msg) {
  auto header = msg.headers.find(kSequenceHeader);
  return header == msg.headers.end() ? 0 : std::strtoull(header->second.c_str(), nullptr, 10);
}

inline std::string diffSubject(const std::string& stream, const std::string& query) {
  return fmt::format("{}.diff.{}", stream, query);
}

inline std::string diffSubjects(const std::string& stream) {
  return fmt::format("{}.diff.>", stream);
}

inline std::string diffMessageId(const std::string& query, uint64_t sequence) {
  return fmt::format("{}:{}", query, sequence);
}

inline std::string snapshotBucket(const std::string& stream) {
  return fmt::format("{}_snapshots", stream);
}

}  // namespace livedash::reactions
