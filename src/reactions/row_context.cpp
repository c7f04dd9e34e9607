// src/reactions/row_context.cpp
#include "reactions/row_context.hpp"

namespace livedash::reactions {

core::Value rowValue(const engine::QueryDiff& diff, const std::vector<core::Value>& row) {
  core::Map m;
  for (size_t i = 0; i < diff.columns->size() && i < row.size(); ++i) {
    m.insert_or_assign((*diff.columns)[i], row[i]);
  }
  return core::Value(std::move(m));
}

core::Map rowContext(const engine::QueryDiff& diff, const char* operation,
                     const std::vector<core::Value>* before,
                     const std::vector<core::Value>* after) {
  core::Map m{{"query_name", core::Value(diff.query_id)}, {"operation", core::Value(operation)}};
  if (before) {
    m.insert_or_assign("before", rowValue(diff, *before));
  }
  if (after) {
    m.insert_or_assign("after", rowValue(diff, *after));
  }
  return m;
}

}  // namespace livedash::reactions
