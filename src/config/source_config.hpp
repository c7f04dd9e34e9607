// src/config/source_config.hpp
//
// `sources:` entries. Common fields sit in SourceConfig; the kind-specific part is a variant whose
// alternative always matches `kind`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config_enums.hpp"
#include "config/config_location.hpp"

namespace livedash::config {

struct BootstrapProviderConfig {
  BootstrapKind kind = BootstrapKind::Postgres;  //!< YAML `type`, or drasi's `kind`
};

//! Primary key columns for a table that has no primary key (or a different identity).
struct TableKeyConfig {
  std::string table;
  std::vector<std::string> key_columns;
};

struct PostgresSourceConfig {
  std::string host = "localhost";
  uint16_t port = 5432;
  std::string database;
  std::string user;
  std::string password;
  std::vector<std::string> tables;  //!< such as `public.orders`
  std::string slot_name = "drasi_slot";
  std::string publication_name = "drasi_publication";
  SslMode ssl_mode = SslMode::Prefer;
  PostgresMode mode = PostgresMode::Replication;
  //! LISTEN channel the triggers notify on, in notify mode.
  std::string notify_channel = "livedash_changes";
  std::vector<TableKeyConfig> table_keys;
  //! Create the publication when it is missing (needs ownership of the tables).
  bool create_publication = false;
};

//! Our own kind: a SQLite database owned by livedash.
struct EmbeddedSourceConfig {
  std::string path = ":memory:";  //!< SQLite file, or ":memory:"
  //! SQL files run when the store is new. Relative paths in the file are resolved against the
  //! config file's directory at load, so these are ready to open.
  std::vector<std::string> schema_files;
  //! Tables to publish; empty means every table.
  std::vector<std::string> tables;
};

struct SourceConfig {
  SourceKind kind = SourceKind::Embedded;
  std::string id;
  bool auto_start = true;
  std::optional<BootstrapProviderConfig> bootstrap_provider;
  std::variant<EmbeddedSourceConfig, PostgresSourceConfig> settings;
  ConfigLocation location;

  const PostgresSourceConfig* postgres() const {
    return std::get_if<PostgresSourceConfig>(&settings);
  }
  const EmbeddedSourceConfig* embedded() const {
    return std::get_if<EmbeddedSourceConfig>(&settings);
  }
};

}  // namespace livedash::config
