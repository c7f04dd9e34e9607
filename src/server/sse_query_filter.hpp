// src/server/sse_query_filter.hpp
//
// Which queries of a multiplexed SSE stream one subscriber receives: what it asked for with
// `?queries=a,b`, narrowed to what its token may see. Fixed at connect time; each frame is then
// tested by its query id (a handful of string compares, on the subscriber's IO thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace livedash::server {

//! Null means every query of the stream.
using QueryFilterConstSharedPtr = std::shared_ptr<const std::vector<std::string>>;

bool filterAllows(const QueryFilterConstSharedPtr& filter, std::string_view query_id);

//! `a,b,,c` → {a, b, c}: empty items and surrounding spaces dropped, repeats kept once.
std::vector<std::string> splitQueryList(std::string_view text);

}  // namespace livedash::server
