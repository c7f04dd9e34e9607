// src/sources/postgres/pg_table_catalog.cpp
#include "sources/postgres/pg_table_catalog.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace livedash::sources::postgres {

namespace {

[[noreturn]] void configFault(std::string message) {
  throw PgError(core::ErrorCode::ConfigInvalid, std::move(message), "", true);
}

const std::vector<std::string>* overrideFor(const TableKeyOverrides& keys, const PgTable& table) {
  for (const std::string& name : {table.qualifiedName(), table.name}) {
    auto it = keys.find(name);
    if (it != keys.end())
      return &it->second;
  }
  return nullptr;
}

void loadColumns(PgConnection& conn, PgTable& table) {
  // A domain's values print as its base type's, so the base type decides the mapping.
  PgResult columns = conn.execParams(
      "SELECT a.attname, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END "
      "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {std::to_string(table.oid)});
  for (int r = 0; r < columns.rows(); ++r) {
    table.columns.push_back(
        {std::string(columns.text(r, 0)),
         static_cast<Oid>(std::strtoul(columns.optionalText(r, 1)->c_str(), nullptr, 10))});
  }
}

void loadKey(PgConnection& conn, PgTable& table, const TableKeyOverrides& keys) {
  std::vector<std::string> names;
  if (const std::vector<std::string>* configured = overrideFor(keys, table)) {
    names = *configured;
  } else {
    PgResult pk = conn.execParams(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = $1::oid AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        {std::to_string(table.oid)});
    for (int r = 0; r < pk.rows(); ++r)
      names.emplace_back(pk.text(r, 0));
    table.has_primary_key = !names.empty();
  }
  if (names.empty()) {
    configFault(fmt::format(
        "table `{}` has no primary key, so its rows cannot be told apart; add one, or list the "
        "identifying columns under `table_keys` in the source config",
        table.qualifiedName()));
  }
  for (const std::string& name : names) {
    int index = table.columnIndex(name);
    if (index < 0) {
      configFault(fmt::format("`table_keys` names column `{}`, which table `{}` does not have",
                              name, table.qualifiedName()));
    }
    table.key_columns.push_back(static_cast<size_t>(index));
  }
}

}  // namespace

int PgTable::columnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column)
      return static_cast<int>(i);
  }
  return -1;
}

TableName parseTableName(std::string_view configured) {
  size_t dot = configured.find('.');
  if (dot == std::string_view::npos)
    return {"public", std::string(configured)};
  return {std::string(configured.substr(0, dot)), std::string(configured.substr(dot + 1))};
}

std::vector<PgTable> loadTables(PgConnection& conn, const std::vector<std::string>& tables,
                                const TableKeyOverrides& keys) {
  std::vector<PgTable> out;
  for (const std::string& configured : tables) {
    TableName name = parseTableName(configured);
    PgResult found = conn.execParams(
        "SELECT c.oid, c.relreplident FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
        {name.schema, name.name});
    if (found.rows() == 0) {
      configFault(fmt::format("table `{}.{}` (from `tables`) does not exist in the database",
                              name.schema, name.name));
    }
    PgTable table;
    table.oid = static_cast<Oid>(std::strtoul(std::string(found.text(0, 0)).c_str(), nullptr, 10));
    table.schema = name.schema;
    table.name = name.name;
    table.replica_identity = found.text(0, 1).empty() ? 'd' : found.text(0, 1)[0];
    loadColumns(conn, table);
    loadKey(conn, table, keys);
    out.push_back(std::move(table));
  }
  return out;
}

std::string RowConverter::elementId(const std::vector<const std::string*>& texts) const {
  std::string id = table_->name;
  id += ':';
  bool first = true;
  for (size_t column : table_->key_columns) {
    if (!first)
      id += '_';
    first = false;
    if (column < texts.size() && texts[column])
      id += *texts[column];
  }
  return id;
}

core::Map RowConverter::properties(const std::vector<const std::string*>& texts,
                                   const std::vector<bool>* skip) const {
  core::Map props;
  props.reserve(table_->columns.size());
  for (size_t i = 0; i < table_->columns.size() && i < texts.size(); ++i) {
    if (skip && i < skip->size() && (*skip)[i])
      continue;
    const PgColumn& column = table_->columns[i];
    props.emplace(column.name, texts[i] ? textToValue(column.type_oid, *texts[i]) : core::Value());
  }
  return props;
}

core::Element RowConverter::element(const std::vector<const std::string*>& texts,
                                    const std::vector<bool>* skip) const {
  core::Element e;
  e.id = elementId(texts);
  e.labels = {table_->name};
  e.properties = properties(texts, skip);
  return e;
}

}  // namespace livedash::sources::postgres
