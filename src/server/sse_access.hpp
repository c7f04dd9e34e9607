// src/server/sse_access.hpp
//
// Who may subscribe to an SSE stream, and to which of its queries: the token is checked once,
// here, at connect time, and the answer becomes the subscriber's query filter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/auth.hpp"
#include "server/http_types.hpp"
#include "server/sse_query_filter.hpp"
#include "server/sse_resume_point.hpp"

namespace livedash::server {

struct SseAccess {
  //! Set when the subscription is refused (401, 403, 400 or 404), with its JSON error.
  std::optional<HttpResponse> refusal;
  //! The queries the subscriber gets; null: every query of the stream.
  QueryFilterConstSharedPtr queries;
  //! `?since=query:sequence,…`, each query one the subscriber may receive.
  std::vector<QueryPosition> since;
};

//! `stream_queries`: what the stream carries (empty: not known, so `?queries=` is taken as is).
//! A token limited to some queries gets only those (403 if the stream has none of them); a
//! `?queries=a,b` filter narrows further, and naming a query the token may not see is a 403.
//! `?since=` must name queries the subscriber receives (400 when malformed, 404 or 403 when not).
SseAccess decideSseAccess(const Authorizer& auth, const HttpRequest& req,
                          const std::vector<std::string>& stream_queries);

}  // namespace livedash::server
