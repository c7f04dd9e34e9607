// src/app/restarting_sink.hpp
//
// Between a source and the engine. A source started again at run time bootstraps afresh, but its
// snapshot only lists the rows that exist: a row deleted while the source was stopped would stay
// in the engine. So the first bootstrap after a restart is prefixed, in the same transaction, with
// a truncate of each table the source publishes. The engine's copy then becomes the snapshot
// exactly, and each query's diff is only what changed meanwhile (rows that are back unchanged
// cancel out within the transaction).
#pragma once

#include <string>
#include <vector>

#include "core/change.hpp"

namespace livedash::app {

class RestartingSink final : public core::ChangeSink {
 public:
  explicit RestartingSink(core::ChangeSink& next) : next_(next) {}

  //! Only while the source is stopped: its next bootstrap batch first empties these labels.
  void replaceOnNextBootstrap(std::vector<std::string> labels) { labels_ = std::move(labels); }
  void onBatch(core::ChangeBatch&& batch) override;

 private:
  core::ChangeSink& next_;
  //! Set while the source is stopped, read on its thread after start (which orders the two).
  std::vector<std::string> labels_;
};

//! A batch that empties the given labels (a truncate of each), as one transaction.
core::ChangeBatch truncateBatch(const std::string& source_id,
                                const std::vector<std::string>& labels, int64_t commit_time_ms);

}  // namespace livedash::app
