// src/app/restarting_sink.cpp
#include "app/restarting_sink.hpp"

namespace livedash::app {

namespace {

std::vector<core::Change> truncates(const std::vector<std::string>& labels) {
  std::vector<core::Change> out;
  for (const std::string& label : labels) {
    core::Change c;
    c.op = core::ChangeOp::Truncate;
    c.element.labels = {label};
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

void RestartingSink::onBatch(core::ChangeBatch&& batch) {
  if (batch.bootstrap && !labels_.empty()) {
    std::vector<core::Change> changes = truncates(labels_);
    labels_.clear();
    changes.insert(changes.end(), std::make_move_iterator(batch.changes.begin()),
                   std::make_move_iterator(batch.changes.end()));
    batch.changes = std::move(changes);
  }
  next_.onBatch(std::move(batch));
}

core::ChangeBatch truncateBatch(const std::string& source_id,
                                const std::vector<std::string>& labels, int64_t commit_time_ms) {
  core::ChangeBatch batch;
  batch.source_id = source_id;
  batch.commit_time_ms = commit_time_ms;
  batch.changes = truncates(labels);
  return batch;
}

}  // namespace livedash::app
