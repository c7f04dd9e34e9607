// src/config/source_fields.cpp
//
// The keys of `sources:` entries: common ones, then those of the entry's kind.
#include <array>
#include <filesystem>

#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

// drasi's postgres bootstrap provider repeats the source's connection settings.
constexpr std::array<std::string_view, 10> kBootstrapConnectionKeys = {
    "host",   "port",      "database",         "user",     "password",
    "tables", "slot_name", "publication_name", "ssl_mode", "table_keys"};

FieldTable fieldsOf(Reader& r, BootstrapProviderConfig& out) {
  FieldTable fields = {withAlias(field(r, "type", out.kind, FieldRule::Required), "kind")};
  for (std::string_view key : kBootstrapConnectionKeys) {
    fields.push_back(drasiOnly(key, "livedash bootstraps over the source's own connection"));
  }
  return fields;
}

FieldTable fieldsOf(Reader& r, TableKeyConfig& out) {
  return {field(r, "table", out.table, FieldRule::Required),
          field(r, "key_columns", out.key_columns, FieldRule::Required)};
}

namespace {

FieldTable postgresFields(Reader& r, PostgresSourceConfig& out) {
  return {field(r, "host", out.host),
          field(r, "port", out.port),
          field(r, "database", out.database, FieldRule::Required),
          field(r, "user", out.user, FieldRule::Required),
          field(r, "password", out.password),
          field(r, "tables", out.tables),
          field(r, "slot_name", out.slot_name),
          field(r, "publication_name", out.publication_name),
          field(r, "ssl_mode", out.ssl_mode),
          field(r, "mode", out.mode),
          field(r, "notify_channel", out.notify_channel),
          field(r, "table_keys", out.table_keys),
          field(r, "create_publication", out.create_publication)};
}

// Schema files are resolved now, so a missing file is reported with its line rather than when the
// store is first opened.
FieldBinding schemaFilesField(Reader& r, std::vector<std::string>& files) {
  auto read = [&r, &files](const YAML::Node& value, const std::string& path) {
    readValue(r, value, path, files);
    if (!value.IsSequence()) {
      return;
    }
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i].empty()) {
        continue;
      }
      files[i] = r.resolveFile(files[i]);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(files[i], ec)) {
        r.error(value[i], itemPath(path, i),
                fmt::format("schema file `{}` does not exist", files[i]),
                "relative paths are resolved against the config file's directory");
      }
    }
  };
  return FieldBinding{"schema_files", FieldRule::Optional, std::move(read)};
}

FieldTable embeddedFields(Reader& r, EmbeddedSourceConfig& out) {
  return {field(r, "path", out.path), schemaFilesField(r, out.schema_files),
          field(r, "tables", out.tables)};
}

// What the bindings of the kind not chosen point at; they are never read.
struct UnusedKinds {
  PostgresSourceConfig postgres;
  EmbeddedSourceConfig embedded;
};

// The chosen kind's keys, then the other kind's keys so that using one gets a precise message.
FieldTable kindFields(Reader& r, SourceKind kind, SourceConfig& out, UnusedKinds& unused) {
  FieldTable postgres =
      postgresFields(r, kind == SourceKind::Postgres ? out.settings.emplace<PostgresSourceConfig>()
                                                     : unused.postgres);
  FieldTable embedded =
      embeddedFields(r, kind == SourceKind::Embedded ? out.settings.emplace<EmbeddedSourceConfig>()
                                                     : unused.embedded);
  bool is_postgres = kind == SourceKind::Postgres;
  FieldTable fields = std::move(is_postgres ? postgres : embedded);
  FieldTable others = ofOtherKind(std::move(is_postgres ? embedded : postgres),
                                  is_postgres ? "embedded sources" : "postgres sources");
  fields.insert(fields.end(), others.begin(), others.end());
  return fields;
}

}  // namespace

void readValue(Reader& r, const YAML::Node& node, const std::string& path, SourceConfig& out) {
  out.location = r.locationOf(node, path);
  FieldTable fields = {field(r, "kind", out.kind, FieldRule::Required),
                       bindId(r, Section::Source, out.id),
                       field(r, "auto_start", out.auto_start),
                       field(r, "bootstrap_provider", out.bootstrap_provider),
                       drasiOnly("dispatch_buffer_capacity"),
                       drasiOnly("dispatch_mode"),
                       drasiOnly("priority_queue_capacity")};
  std::optional<SourceKind> kind = peekEnum<SourceKind>(r, node, "kind");
  UnusedKinds unused;
  if (kind) {
    FieldTable kind_fields = kindFields(r, *kind, out, unused);
    fields.insert(fields.end(), kind_fields.begin(), kind_fields.end());
  }
  // Without a known kind the other keys cannot be judged; the error about `kind` says enough.
  readFields(r, node, path, fields, kind ? UnknownKeys::Reject : UnknownKeys::Skip);
}

}  // namespace livedash::config
