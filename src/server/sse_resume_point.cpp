// src/server/sse_resume_point.cpp
#include "server/sse_resume_point.hpp"

#include <algorithm>
#include <charconv>

#include "server/sse_query_filter.hpp"

namespace livedash::server {

std::optional<std::vector<QueryPosition>> parseSinceList(std::string_view text) {
  std::vector<QueryPosition> out;
  size_t items = 0;
  for (const std::string& item : splitQueryList(text)) {
    ++items;
    size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return std::nullopt;
    }
    QueryPosition p{item.substr(0, colon), 0};
    const char* first = item.data() + colon + 1;
    const char* last = item.data() + item.size();
    auto [end, ec] = std::from_chars(first, last, p.sequence);
    if (first == last || ec != std::errc() || end != last) {
      return std::nullopt;
    }
    auto same = [&](const QueryPosition& q) { return q.query == p.query; };
    if (std::any_of(out.begin(), out.end(), same)) {
      return std::nullopt;
    }
    out.push_back(std::move(p));
  }
  if (items == 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace livedash::server
