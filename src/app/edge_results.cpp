// src/app/edge_results.cpp
#include "app/edge_results.hpp"

#include "core/json.hpp"

namespace livedash::app {

void EdgeResults::reset(const core::Value& data, uint64_t sequence) {
  rows_.clear();
  for (const core::Value& row : data.asList()) {
    rows_.insert(core::toJson(row));
  }
  sequence_ = sequence;
}

bool EdgeResults::apply(const core::Value& diff) {
  const core::Map& m = diff.asMap();
  if (static_cast<uint64_t>(m.at("sequence").asInteger()) != sequence_ + 1) {
    return false;
  }
  std::multiset<std::string>& rows = rows_;
  auto erase = [&rows](const core::Value& row) {
    auto it = rows.find(core::toJson(row));
    if (it == rows.end()) {
      return false;
    }
    rows.erase(it);
    return true;
  };
  for (const core::Value& row : m.at("deleted").asList()) {
    if (!erase(row)) {
      return false;
    }
  }
  for (const core::Value& pair : m.at("updated").asList()) {
    if (!erase(pair.asMap().at("before"))) {
      return false;
    }
    rows.insert(core::toJson(pair.asMap().at("after")));
  }
  for (const core::Value& row : m.at("added").asList()) {
    rows.insert(core::toJson(row));
  }
  ++sequence_;
  return true;
}

std::string EdgeResults::rowsJson() const {
  return core::jsonArray(rows_, [](const std::string& row) -> const std::string& { return row; });
}

}  // namespace livedash::app
