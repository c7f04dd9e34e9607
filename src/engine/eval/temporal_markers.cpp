// src/engine/eval/temporal_markers.cpp
#include "engine/eval/temporal_scope.hpp"

namespace livedash::engine {

int64_t TemporalMarkers::startOf(int call, const SolutionKey& key, int64_t start_if_new) {
  auto& entries = markers_[key];
  for (const auto& [c, start] : entries) {
    if (c == call)
      return start;
  }
  entries.emplace_back(call, start_if_new);
  return start_if_new;
}

void TemporalMarkers::clear(int call, const SolutionKey& key) {
  auto it = markers_.find(key);
  if (it == markers_.end())
    return;
  auto& entries = it->second;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == call) {
      entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  if (entries.empty())
    markers_.erase(it);
}

PreviousValues::Entry* PreviousValues::find(int call, const SolutionKey& key) {
  auto it = entries_.find(key);
  if (it == entries_.end())
    return nullptr;
  for (auto& [c, entry] : it->second) {
    if (c == call)
      return &entry;
  }
  return nullptr;
}

PreviousValues::Entry& PreviousValues::insert(int call, const SolutionKey& key, Entry entry) {
  auto& entries = entries_[key];
  entries.emplace_back(call, std::move(entry));
  return entries.back().second;
}

}  // namespace livedash::engine
