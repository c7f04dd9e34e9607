// src/sources/postgres/pg_table_catalog.hpp
//
// The tables a PostgreSQL source publishes, read from the server's catalog: columns with their
// type OIDs, the key that identifies a row (the primary key, or `table_keys` from the config), and
// the replica identity. A row of `public.orders` becomes a node labelled `orders` with id
// `orders:<key>`, the same shape as the embedded store gives.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/change.hpp"
#include "sources/postgres/pg_connection.hpp"

namespace livedash::sources::postgres {

struct PgColumn {
  std::string name;
  Oid type_oid = 0;
};

struct PgTable {
  Oid oid = 0;
  std::string schema;  //!< "public"
  std::string name;    //!< "orders", also the node label
  std::vector<PgColumn> columns;
  //! Indexes into `columns` of the columns that identify a row.
  std::vector<size_t> key_columns;
  //! pg_class.relreplident: 'd' default, 'n' nothing, 'f' full, 'i' index.
  char replica_identity = 'd';
  //! Whether the key came from a primary key (rather than `table_keys`).
  bool has_primary_key = false;

  std::string qualifiedName() const { return schema + "." + name; }
  //! Index of a column by name, or -1.
  int columnIndex(std::string_view column) const;
};

//! One entry of the source's `tables` list: "orders" or "public.orders".
struct TableName {
  std::string schema;
  std::string name;
};
TableName parseTableName(std::string_view configured);

//! Explicit key columns for tables without a primary key, by "schema.table" or "table".
using TableKeyOverrides = std::map<std::string, std::vector<std::string>>;

//! Reads each table's columns, key and replica identity. Throws PgError (ConfigInvalid) for a
//! table that does not exist or has no key (no primary key and no entry in `keys`), naming it
//! and what to do.
std::vector<PgTable> loadTables(PgConnection& conn, const std::vector<std::string>& tables,
                                const TableKeyOverrides& keys);

//! Builds elements from rows given as one optional text per column (nullopt is NULL).
class RowConverter {
 public:
  explicit RowConverter(const PgTable& table) : table_(&table) {}
  //! `table:key` from the key columns' text (composite keys joined with "_").
  std::string elementId(const std::vector<const std::string*>& texts) const;
  //! Typed properties of the columns that have a value (`skip` marks columns to leave out,
  //! such as unchanged TOAST values, so the engine's merge keeps what it has).
  core::Map properties(const std::vector<const std::string*>& texts,
                       const std::vector<bool>* skip = nullptr) const;
  core::Element element(const std::vector<const std::string*>& texts,
                        const std::vector<bool>* skip = nullptr) const;

 private:
  const PgTable* table_;
};

}  // namespace livedash::sources::postgres
