// src/sources/embedded/change_builder.cpp
#include "sources/embedded/change_builder.hpp"

#include <algorithm>
#include <unordered_map>

#include "sources/embedded/sqlite_value.hpp"

namespace livedash::sources::embedded {
namespace {

void appendChanges(RawRowChange& raw, const TableInfo& table, std::vector<core::Change>& out) {
  switch (raw.op) {
    case core::ChangeOp::Insert:
      out.push_back(
          core::makeChange(core::ChangeOp::Insert, rowElement(table, raw.after, raw.new_rowid)));
      return;
    case core::ChangeOp::Delete: {
      core::Element old = rowElement(table, raw.before, raw.old_rowid);
      core::Map before = old.properties;
      out.push_back(core::makeChange(core::ChangeOp::Delete, std::move(old), std::move(before)));
      return;
    }
    case core::ChangeOp::Update: {
      core::Element old = rowElement(table, raw.before, raw.old_rowid);
      core::Element now = rowElement(table, raw.after, raw.new_rowid);
      if (old.id != now.id) {
        core::Map before = old.properties;
        out.push_back(core::makeChange(core::ChangeOp::Delete, std::move(old), std::move(before)));
        out.push_back(core::makeChange(core::ChangeOp::Insert, std::move(now)));
      } else {
        out.push_back(
            core::makeChange(core::ChangeOp::Update, std::move(now), std::move(old.properties)));
      }
      return;
    }
    case core::ChangeOp::Truncate:
      return;  // the preupdate hook reports each deleted row instead
  }
}

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

}  // namespace livedash::sources::embedded
