// src/sources/postgres/tuple_changes.hpp
//
// pgoutput row messages to element changes. What a message carries depends on the table's
// replica identity, and the engine's state fills the gaps:
// - an unchanged TOAST value ('u') is left out of the properties, so the engine's property merge
//   keeps the value it has;
// - an update without an old tuple (REPLICA IDENTITY DEFAULT, key unchanged) has no `before`: the
//   engine knows the element's previous version;
// - an update whose old key differs from the new one moves the row: Delete(old id) + Insert.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "sources/postgres/pg_table_catalog.hpp"
#include "sources/postgres/pgoutput.hpp"

namespace livedash::sources::postgres {

//! The table as a Relation message describes it now, keeping the key columns (by name) and the
//! domain base types of `configured`. Throws PgError when a key column is gone.
PgTable tableFromRelation(const RelationMessage& relation, const PgTable& configured);

//! Names of columns `before` has and `after` does not (dropped or renamed columns).
std::vector<std::string> droppedColumns(const PgTable& before, const PgTable& after);

//! Properties each element has so far in the open transaction, by element id.
using TransactionRows = std::map<std::string, core::Map>;

void appendInsert(const PgTable& table, const InsertMessage& insert, TransactionRows& rows,
                  std::vector<core::Change>& out);
void appendUpdate(const PgTable& table, const UpdateMessage& update, TransactionRows& rows,
                  std::vector<core::Change>& out);
void appendDelete(const PgTable& table, const DeleteMessage& del, TransactionRows& rows,
                  std::vector<core::Change>& out);

}  // namespace livedash::sources::postgres
