// src/server/dispatcher.hpp
//
// Decides what a parsed request gets: a route's response, an asset, a JSON error (including
// 401/403 from the token check), a CORS preflight answer, or a hand-off to an SSE stream. Knows
// nothing of sockets, so the HTTP session stays a thin layer of Beast reads and writes around it.
#pragma once

#include <optional>
#include <string>

#include "server/http_types.hpp"
#include "server/server_context.hpp"
#include "server/sse_query_filter.hpp"
#include "server/sse_resume_point.hpp"

namespace livedash::server {

struct Dispatch {
  //! The response to send; for an SSE hand-off, only its extra headers (CORS) are used.
  HttpResponse response;
  //! HEAD: send the headers (with the body's Content-Length) but not the body.
  bool omit_body = false;
  //! Non-null: the connection becomes a subscriber of this stream.
  SseStreamImpl* sse = nullptr;
  //! SSE: `Last-Event-ID` (header or `lastEventId` parameter) and `?since=`.
  SseResumePoint resume;
  //! SSE: the stream's queries this subscriber receives (`?queries=` and its token); null: all.
  QueryFilterConstSharedPtr sse_queries;
};

//! Fills in req.path and req.query from req.target first. Never throws: handler exceptions
//! become JSON errors.
Dispatch dispatch(const ServerContext& ctx, HttpRequest& req);

//! The JSON error response for a request that could not be parsed (no dispatch), with CORS
//! headers when `origin` is allowed.
HttpResponse errorResponse(const ServerContext& ctx, std::string_view origin, core::ErrorCode code,
                           std::string_view message);

}  // namespace livedash::server
