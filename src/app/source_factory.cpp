// src/app/source_factory.cpp
#include "app/source_factory.hpp"

#include "sources/postgres/notify_source.hpp"
#include "sources/postgres/replication_source.hpp"

namespace livedash::app {

namespace {

sources::postgres::PgConnectionSettings connectionOf(const config::PostgresSourceConfig& pg) {
  sources::postgres::PgConnectionSettings s;
  s.host = pg.host;
  s.port = pg.port;
  s.database = pg.database;
  s.user = pg.user;
  s.password = pg.password;
  s.ssl_mode = std::string(config::enumName(pg.ssl_mode));
  return s;
}

sources::postgres::TableKeyOverrides keysOf(const config::PostgresSourceConfig& pg) {
  sources::postgres::TableKeyOverrides keys;
  for (const config::TableKeyConfig& k : pg.table_keys)
    keys[k.table] = k.key_columns;
  return keys;
}

}  // namespace

sources::SourcePtr makePostgresSource(const config::SourceConfig& config,
                                      const core::Clock& clock) {
  const config::PostgresSourceConfig& pg = *config.postgres();
  if (pg.mode == config::PostgresMode::Notify) {
    sources::postgres::NotifySourceOptions o;
    o.id = config.id;
    o.connection = connectionOf(pg);
    o.tables = pg.tables;
    o.table_keys = keysOf(pg);
    o.channel = pg.notify_channel;
    o.clock = &clock;
    return std::make_unique<sources::postgres::NotifySource>(std::move(o));
  }
  sources::postgres::ReplicationSourceOptions o;
  o.id = config.id;
  o.connection = connectionOf(pg);
  o.tables = pg.tables;
  o.table_keys = keysOf(pg);
  o.slot_name = pg.slot_name;
  o.publication_name = pg.publication_name;
  o.create_publication = pg.create_publication;
  o.skip_bootstrap =
      config.bootstrap_provider && config.bootstrap_provider->kind == config::BootstrapKind::Noop;
  o.clock = &clock;
  return std::make_unique<sources::postgres::ReplicationSource>(std::move(o));
}

}  // namespace livedash::app
