// src/server/sse_resume_point.hpp
//
// Where a connecting SSE subscriber picks up. Either after a stream id (`Last-Event-ID`, sent by
// EventSource when it reconnects), or after per-query sequences (`?since=orders:12,stats:40`), for
// a page that loaded those queries' snapshots over REST first and must join them to the stream
// with no gap and no duplicate. `Last-Event-ID` wins when both are present: it is the newer of the
// two, since EventSource repeats the original URL on every reconnect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedash::server {

//! A query's diffs up to and including `sequence` are already held by the client.
struct QueryPosition {
  std::string query;
  uint64_t sequence = 0;
};

struct SseResumePoint {
  std::optional<std::string> last_event_id;
  std::vector<QueryPosition> since;  //!< empty: no `?since=`
};

//! `a:1,b:20` → {{a, 1}, {b, 20}}; nullopt when an item is not `query:sequence`, a query repeats
//! or the list is empty.
std::optional<std::vector<QueryPosition>> parseSinceList(std::string_view text);

}  // namespace livedash::server
