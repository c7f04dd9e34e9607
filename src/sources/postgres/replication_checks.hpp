// src/sources/postgres/replication_checks.hpp
//
// What must be true of the server before a logical replication source can stream, checked up
// front so that each mistake gets one clear message saying what to run, instead of a stream that
// silently never delivers: wal_level, the role's REPLICATION privilege, the publication and its
// tables, each table's replica identity, and an existing slot's plugin and database.
#pragma once

#include <string>
#include <vector>

#include "sources/postgres/pg_connection.hpp"
#include "sources/postgres/pg_table_catalog.hpp"

namespace livedash::sources::postgres {

struct ReplicationSetup {
  std::string user;
  std::string database;
  std::string slot_name;
  std::string publication_name;
  bool create_publication = false;
};

//! Throws PgError (ConfigInvalid, permanent) for the first fault found. Creates the publication
//! when it is missing and `create_publication` is set.
void checkReplicationSetup(PgConnection& conn, const ReplicationSetup& setup,
                           const std::vector<PgTable>& tables);

}  // namespace livedash::sources::postgres
