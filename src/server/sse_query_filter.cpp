// src/server/sse_query_filter.cpp
#include "server/sse_query_filter.hpp"

#include <algorithm>

namespace livedash::server {

bool filterAllows(const QueryFilterConstSharedPtr& filter, std::string_view query_id) {
  return !filter || std::find(filter->begin(), filter->end(), query_id) != filter->end();
}

std::vector<std::string> splitQueryList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) {
      out.emplace_back(item);
    }
  }
  return out;
}

}  // namespace livedash::server
