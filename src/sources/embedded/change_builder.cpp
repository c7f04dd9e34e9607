// src/sources/embedded/change_builder.cpp
#include "sources/embedded/change_builder.hpp"

#include <algorithm>
#include <unordered_map>

#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources::embedded {
namespace {

core::Change makeChange(core::ChangeOp op, core::Element element, core::Map before = {}) {
  core::Change change;
  change.op = op;
  change.element = std::move(element);
  change.before = std::move(before);
  return change;
}

void appendChanges(RawRowChange& raw, const TableInfo& table, std::vector<core::Change>& out) {
  switch (raw.op) {
    case core::ChangeOp::Insert:
      out.push_back(
          makeChange(core::ChangeOp::Insert, rowElement(table, raw.after, raw.new_rowid)));
      return;
    case core::ChangeOp::Delete: {
      core::Element old = rowElement(table, raw.before, raw.old_rowid);
      core::Map before = old.properties;
      out.push_back(makeChange(core::ChangeOp::Delete, std::move(old), std::move(before)));
      return;
    }
    case core::ChangeOp::Update: {
      core::Element old = rowElement(table, raw.before, raw.old_rowid);
      core::Element now = rowElement(table, raw.after, raw.new_rowid);
      if (old.id != now.id) {
        core::Map before = old.properties;
        out.push_back(makeChange(core::ChangeOp::Delete, std::move(old), std::move(before)));
        out.push_back(makeChange(core::ChangeOp::Insert, std::move(now)));
      } else {
        out.push_back(
            makeChange(core::ChangeOp::Update, std::move(now), std::move(old.properties)));
      }
      return;
    }
  }
}

// Net effect of all changes to one element within a transaction.
struct NetChange {
  bool existed_before = false;
  bool exists_after = false;
  core::Map before;
  core::Element last;
};

}  // namespace

std::string rowKeyText(const TableInfo& table, const std::vector<core::Value>& storage,
                       int64_t rowid) {
  if (!table.hasDeclaredKey()) {
    return std::to_string(rowid);
  }
  std::string key;
  for (size_t i = 0; i < table.key_columns.size(); ++i) {
    if (i > 0) {
      key.push_back('_');
    }
    const size_t column = table.key_columns[i];
    if (column < storage.size()) {
      key += keyPartText(storage[column]);
    }
  }
  return key;
}

core::Map rowProperties(const TableInfo& table, const std::vector<core::Value>& storage) {
  core::Map properties;
  // A row captured before an ALTER TABLE ADD COLUMN in the same transaction has fewer values.
  const size_t count = std::min(storage.size(), table.columns.size());
  for (size_t i = 0; i < count; ++i) {
    properties.emplace(table.columns[i].name, typedValue(storage[i], table.columns[i].kind));
  }
  return properties;
}

core::Element rowElement(const TableInfo& table, const std::vector<core::Value>& storage,
                         int64_t rowid) {
  core::Element element;
  element.id = table.name + ":" + rowKeyText(table, storage, rowid);
  element.labels = {table.name};
  element.properties = rowProperties(table, storage);
  return element;
}

std::vector<core::Change> buildChanges(std::vector<RawRowChange>&& raw,
                                       const TableCatalog& catalog) {
  // Rows written earlier in the transaction to a table it then dropped are described by the
  // table as it was before the drop.
  std::unordered_map<std::string, const TableInfo*> dropped;
  for (const RawRowChange& row : raw) {
    if (row.dropped_table != nullptr) {
      dropped.emplace(row.table, row.dropped_table.get());
    }
  }
  std::vector<core::Change> changes;
  changes.reserve(raw.size());
  for (RawRowChange& row : raw) {
    const TableInfo* table =
        row.dropped_table != nullptr ? row.dropped_table.get() : catalog.find(row.table);
    if (table == nullptr) {
      auto it = dropped.find(row.table);
      table = it != dropped.end() ? it->second : nullptr;
    }
    if (table != nullptr) {
      appendChanges(row, *table, changes);
    }
  }
  return coalesceChanges(std::move(changes));
}

std::vector<core::Change> coalesceChanges(std::vector<core::Change>&& changes) {
  std::vector<NetChange> nets;
  std::unordered_map<std::string, size_t> slot_of;
  nets.reserve(changes.size());
  for (core::Change& change : changes) {
    auto [it, inserted] = slot_of.try_emplace(change.element.id, nets.size());
    if (inserted) {
      NetChange net;
      net.existed_before = change.op != core::ChangeOp::Insert;
      net.before = std::move(change.before);
      nets.push_back(std::move(net));
    }
    NetChange& net = nets[it->second];
    net.exists_after = change.op != core::ChangeOp::Delete;
    net.last = std::move(change.element);
  }
  std::vector<core::Change> out;
  out.reserve(nets.size());
  for (NetChange& net : nets) {
    if (net.existed_before && net.exists_after) {
      out.push_back(makeChange(core::ChangeOp::Update, std::move(net.last), std::move(net.before)));
    } else if (net.existed_before) {
      // The deleted element is shown as it was before the transaction.
      net.last.properties = net.before;
      out.push_back(makeChange(core::ChangeOp::Delete, std::move(net.last), std::move(net.before)));
    } else if (net.exists_after) {
      out.push_back(makeChange(core::ChangeOp::Insert, std::move(net.last)));
    }
  }
  return out;
}

}  // namespace livedash::sources::embedded
