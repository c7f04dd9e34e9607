// src/sources/postgres/replication_checks.cpp
#include "sources/postgres/replication_checks.hpp"

#include <cctype>
#include <set>

#include <fmt/format.h>

namespace livedash::sources::postgres {

namespace {

[[noreturn]] void configFault(std::string message) {
  throw PgError(core::ErrorCode::ConfigInvalid, std::move(message), "", true);
}

// The name as a person would type it: bare when it needs no quotes, quoted otherwise.
std::string sqlName(PgConnection& conn, const std::string& name) {
  bool plain =
      !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                      std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  return plain ? name : conn.quoteIdentifier(name);
}

std::string tableList(const std::vector<PgTable>& tables) {
  std::string out;
  for (const PgTable& t : tables) {
    if (!out.empty())
      out += ", ";
    out += t.qualifiedName();
  }
  return out;
}

void checkWalLevel(PgConnection& conn) {
  PgResult level = conn.exec("SHOW wal_level");
  if (level.text(0, 0) != "logical") {
    configFault(fmt::format(
        "PostgreSQL's wal_level is `{}`, and logical replication needs `logical`: set "
        "`wal_level = logical` in postgresql.conf and restart the server, or use `mode: notify`",
        level.text(0, 0)));
  }
}

void checkPrivilege(PgConnection& conn, const ReplicationSetup& setup) {
  PgResult role = conn.exec(
      "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = "
      "current_user");
  if (role.rows() == 1 && role.text(0, 0) != "t") {
    configFault(fmt::format("role `{}` may not use replication: run `ALTER ROLE {} REPLICATION;`",
                            setup.user, sqlName(conn, setup.user)));
  }
}

void checkPublication(PgConnection& conn, const ReplicationSetup& setup,
                      const std::vector<PgTable>& tables) {
  PgResult publication = conn.execParams(
      "SELECT puballtables, pubinsert, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1",
      {setup.publication_name});
  std::string quoted = sqlName(conn, setup.publication_name);
  if (publication.rows() == 0) {
    std::string create =
        fmt::format("CREATE PUBLICATION {} FOR TABLE {}", quoted, tableList(tables));
    if (!setup.create_publication) {
      configFault(
          fmt::format("publication `{}` does not exist: run `{};` or set "
                      "`create_publication: true` in the source config",
                      setup.publication_name, create));
    }
    conn.exec(create);
    return;
  }
  for (int column = 1; column <= 3; ++column) {
    if (publication.text(0, column) != "t") {
      configFault(fmt::format(
          "publication `{}` does not publish {}s, so the results would drift: run `ALTER "
          "PUBLICATION {} SET (publish = 'insert, update, delete, truncate');`",
          setup.publication_name, column == 1 ? "insert" : (column == 2 ? "update" : "delete"),
          quoted));
    }
  }
  if (publication.text(0, 0) == "t")
    return;
  PgResult published = conn.execParams(
      "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1",
      {setup.publication_name});
  std::set<std::string> names;
  for (int r = 0; r < published.rows(); ++r)
    names.emplace(published.text(r, 0));
  for (const PgTable& t : tables) {
    if (!names.count(t.qualifiedName())) {
      configFault(
          fmt::format("table `{}` is not in publication `{}`: run `ALTER PUBLICATION {} "
                      "ADD TABLE {};`",
                      t.qualifiedName(), setup.publication_name, quoted, t.qualifiedName()));
    }
  }
}

void checkReplicaIdentity(PgConnection& conn, const std::vector<PgTable>& tables) {
  for (const PgTable& t : tables) {
    std::string name = sqlName(conn, t.schema) + "." + sqlName(conn, t.name);
    if (t.replica_identity == 'n') {
      configFault(fmt::format(
          "table `{}` has REPLICA IDENTITY NOTHING, so PostgreSQL cannot replicate its updates "
          "and deletes: run `ALTER TABLE {} REPLICA IDENTITY DEFAULT;` (with a primary key) or "
          "`REPLICA IDENTITY FULL`",
          t.qualifiedName(), name));
    }
    if (t.replica_identity == 'd' && !t.has_primary_key) {
      configFault(fmt::format(
          "table `{}` has no primary key, so its default replica identity is empty and PostgreSQL "
          "cannot replicate its updates and deletes: run `ALTER TABLE {} REPLICA IDENTITY FULL;` "
          "or add a primary key",
          t.qualifiedName(), name));
    }
  }
}

void checkExistingSlot(PgConnection& conn, const ReplicationSetup& setup) {
  PgResult slot = conn.execParams(
      "SELECT plugin, database, slot_type FROM pg_replication_slots WHERE slot_name = $1",
      {setup.slot_name});
  if (slot.rows() == 0)
    return;
  if (slot.text(0, 2) != "logical" || slot.text(0, 0) != "pgoutput") {
    configFault(
        fmt::format("replication slot `{}` exists but is not a pgoutput logical slot; "
                    "choose another `slot_name`, or drop it with "
                    "`SELECT pg_drop_replication_slot('{}');`",
                    setup.slot_name, setup.slot_name));
  }
  if (slot.text(0, 1) != setup.database) {
    configFault(
        fmt::format("replication slot `{}` belongs to database `{}`, not `{}`; choose "
                    "another `slot_name`",
                    setup.slot_name, slot.text(0, 1), setup.database));
  }
}

}  // namespace

void checkReplicationSetup(PgConnection& conn, const ReplicationSetup& setup,
                           const std::vector<PgTable>& tables) {
  checkWalLevel(conn);
  checkPrivilege(conn, setup);
  checkPublication(conn, setup, tables);
  checkReplicaIdentity(conn, tables);
  checkExistingSlot(conn, setup);
}

}  // namespace livedash::sources::postgres
