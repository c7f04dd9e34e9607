// src/app/edge_start_point.hpp
//
// Where an edge starts consuming a query's subject when a client arrives and nothing consumes it
// yet. Normally at the bucket snapshot's last diff (`stream_sequence`), so that the replay log
// knows the snapshot's sequence. A client that resumes from before that snapshot (it moved from
// another edge, or reconnects after a while) would then get `must-refetch`; for it the start
// goes back on the subject until the diff after the client's sequence is included, as long as
// the replay log could hold the diffs in between (as a single process's would).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "reactions/jetstream/nats_client.hpp"

namespace livedash::app {

//! A stream sequence to consume `query`'s subject from, or 0 when the query has no diff to
//! start at (none published yet). `resume_after`: the client holds the query up to there.
//! `max_back`: how many of the query's diffs the replay log holds. Throws core::Error.
uint64_t edgeStartPoint(reactions::NatsClient& client, const std::string& stream,
                        const std::string& query, std::optional<uint64_t> resume_after,
                        uint64_t max_back);

}  // namespace livedash::app
