// src/core/change.hpp
//
// What sources hand to the engine: transaction-grouped changes to graph elements. A table row is
// a node labelled with its table name and identified as `table:pk`. Relationship elements (from a
// graph source or a replay script) carry start and end ids.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "core/value.hpp"

namespace livedash::core {

//! An element's labels. Almost always one (a table row's table), kept inline so that reading them
//! touches only the element itself, not another cache line elsewhere.
using Labels = boost::container::small_vector<std::string, 1>;

struct Element {
  std::string id;
  Labels labels;
  Map properties;
  //! Set only for relationship elements.
  std::string start_id;
  std::string end_id;

  bool isRelation() const { return !start_id.empty(); }
  bool hasLabel(std::string_view label) const {
    for (const auto& l : labels) {
      if (l == label)
        return true;
    }
    return false;
  }
};

//! Truncate deletes every node labelled `element.labels[0]` (a TRUNCATE TABLE, whose rows the
//! source does not list).
enum class ChangeOp : uint8_t { Insert, Update, Delete, Truncate };

struct Change {
  ChangeOp op = ChangeOp::Insert;
  //! For Insert and Update, the new version. Update is an upsert that merges properties into the
  //! element the engine already has. For Delete, only `id` is required.
  Element element;
  //! For Update and Delete, the properties before the change when the source knows them (table
  //! sources do); empty otherwise.
  Map before;
};

inline Change makeChange(ChangeOp op, Element element, Map before = {}) {
  Change change;
  change.op = op;
  change.element = std::move(element);
  change.before = std::move(before);
  return change;
}

//! A column a table no longer has (ALTER TABLE … DROP COLUMN, seen in the replication stream).
//! Queries that read it cannot be answered any more, and go into an error state.
struct DroppedProperty {
  std::string label;
  std::string property;
};

//! One source transaction. The engine turns it into at most one diff per query.
struct ChangeBatch {
  std::string source_id;
  //! Commit time of the transaction (for bootstrap: the snapshot time), ms since the epoch.
  int64_t commit_time_ms = 0;
  //! Whether this batch is the bootstrap snapshot rather than a live transaction.
  bool bootstrap = false;
  std::vector<Change> changes;
  //! Schema changes seen with this transaction, applied before its changes.
  std::vector<DroppedProperty> dropped_properties;
  //! Called on the engine thread once the batch is applied and its diffs are handed to the
  //! reactions (a replication source acknowledges its LSN here). Must be quick and not throw.
  std::function<void()> on_applied;
};

//! Receives change batches from a source. Called from the source's own thread; the implementation
//! hands the batch to the engine thread.
class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  virtual void onBatch(ChangeBatch&& batch) = 0;
};

}  // namespace livedash::core
