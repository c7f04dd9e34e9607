// src/sources/embedded/change_builder.hpp
//
// Rows to graph elements: label = table name, id = `table:pk` (composite keys joined with "_",
// the rowid for tables without a declared key), properties = every column, typed by the catalog.
// An UPDATE that changes the key becomes Delete(old id) + Insert(new id).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "sources/change_coalescing.hpp"
#include "sources/embedded/change_capture.hpp"
#include "sources/embedded/table_catalog.hpp"

namespace livedash::sources::embedded {

//! Key text of a row given its storage-class values in column order (the part after `table:`).
std::string rowKeyText(const TableInfo& table, const std::vector<core::Value>& storage,
                       int64_t rowid);

//! Typed properties of a row given its storage-class values in column order.
core::Map rowProperties(const TableInfo& table, const std::vector<core::Value>& storage);

//! The node for a row.
core::Element rowElement(const TableInfo& table, const std::vector<core::Value>& storage,
                         int64_t rowid);

//! Element changes of one transaction, coalesced so that each element appears once with its net
//! effect (a trigger's second write to the same row folds into the first, an insert then delete
//! vanishes). Changes to tables missing from the catalog are dropped.
std::vector<core::Change> buildChanges(std::vector<RawRowChange>&& raw,
                                       const TableCatalog& catalog);

using sources::coalesceChanges;

}  // namespace livedash::sources::embedded
