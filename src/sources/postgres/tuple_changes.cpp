// src/sources/postgres/tuple_changes.cpp
#include "sources/postgres/tuple_changes.hpp"

#include <fmt/format.h>

namespace livedash::sources::postgres {

namespace {

// Pointers into the tuple's text, one per column (null for NULL or a skipped value), and which
// columns are unchanged TOAST values.
struct TupleTexts {
  std::vector<const std::string*> texts;
  std::vector<bool> unchanged;
  bool any_unchanged = false;
};

TupleTexts textsOf(const PgTable& table, const Tuple& tuple) {
  if (tuple.size() != table.columns.size()) {
    throw DecodeError(fmt::format("a row of `{}` has {} columns, but its relation has {}",
                                  table.qualifiedName(), tuple.size(), table.columns.size()));
  }
  TupleTexts out;
  out.texts.resize(tuple.size(), nullptr);
  out.unchanged.resize(tuple.size(), false);
  for (size_t i = 0; i < tuple.size(); ++i) {
    switch (tuple[i].kind) {
      case TupleValueKind::Null:
        break;
      case TupleValueKind::UnchangedToast:
        out.unchanged[i] = true;
        out.any_unchanged = true;
        break;
      case TupleValueKind::Text:
        out.texts[i] = &tuple[i].bytes;
        break;
      case TupleValueKind::Binary:
        throw DecodeError(
            fmt::format("column `{}` of `{}` arrived in binary format, which the "
                        "source never asks for",
                        table.columns[i].name, table.qualifiedName()));
    }
  }
  return out;
}

// A second write to a row in one transaction may leave a TOAST column out that the first write
// changed; the first write's value is the right one, not the engine's older one.
void fillFromEarlierWrite(core::Element& element, const TupleTexts& texts, const PgTable& table,
                          const TransactionRows& rows) {
  if (!texts.any_unchanged)
    return;
  auto earlier = rows.find(element.id);
  if (earlier == rows.end())
    return;
  for (size_t i = 0; i < texts.unchanged.size(); ++i) {
    if (!texts.unchanged[i])
      continue;
    auto value = earlier->second.find(table.columns[i].name);
    if (value != earlier->second.end())
      element.properties.insert_or_assign(value->first, value->second);
  }
}

void remember(TransactionRows& rows, const core::Element& element) {
  core::Map& props = rows[element.id];
  for (const auto& [key, value] : element.properties)
    props.insert_or_assign(key, value);
}

}  // namespace

PgTable tableFromRelation(const RelationMessage& relation, const PgTable& configured) {
  PgTable table;
  table.oid = relation.oid;
  table.schema = relation.schema;
  table.name = relation.name;
  table.replica_identity = relation.replica_identity;
  table.has_primary_key = configured.has_primary_key;
  for (const RelationColumn& column : relation.columns) {
    Oid type = column.type_oid;
    int known = configured.columnIndex(column.name);
    if (known >= 0)
      type = configured.columns[static_cast<size_t>(known)].type_oid;
    table.columns.push_back({column.name, type});
  }
  for (size_t key : configured.key_columns) {
    const std::string& name = configured.columns[key].name;
    int index = table.columnIndex(name);
    if (index < 0) {
      throw PgError(core::ErrorCode::ConfigInvalid,
                    fmt::format("key column `{}` of table `{}` was dropped; its rows can no longer "
                                "be identified",
                                name, table.qualifiedName()),
                    "", true);
    }
    table.key_columns.push_back(static_cast<size_t>(index));
  }
  return table;
}

std::vector<std::string> droppedColumns(const PgTable& before, const PgTable& after) {
  std::vector<std::string> out;
  for (const PgColumn& column : before.columns) {
    if (after.columnIndex(column.name) < 0)
      out.push_back(column.name);
  }
  return out;
}

void appendInsert(const PgTable& table, const InsertMessage& insert, TransactionRows& rows,
                  std::vector<core::Change>& out) {
  TupleTexts texts = textsOf(table, insert.new_tuple);
  RowConverter convert(table);
  core::Element element = convert.element(texts.texts, &texts.unchanged);
  remember(rows, element);
  out.push_back(core::makeChange(core::ChangeOp::Insert, std::move(element)));
}

void appendUpdate(const PgTable& table, const UpdateMessage& update, TransactionRows& rows,
                  std::vector<core::Change>& out) {
  TupleTexts texts = textsOf(table, update.new_tuple);
  RowConverter convert(table);
  core::Element element = convert.element(texts.texts, &texts.unchanged);
  fillFromEarlierWrite(element, texts, table, rows);
  core::Map before;
  if (update.old_tuple) {
    TupleTexts old = textsOf(table, *update.old_tuple);
    std::string old_id = convert.elementId(old.texts);
    if (!update.old_is_key_only)
      before = convert.properties(old.texts, &old.unchanged);
    if (old_id != element.id) {
      core::Element gone;
      gone.id = std::move(old_id);
      gone.labels = {table.name};
      gone.properties = before;
      out.push_back(core::makeChange(core::ChangeOp::Delete, std::move(gone), std::move(before)));
      remember(rows, element);
      out.push_back(core::makeChange(core::ChangeOp::Insert, std::move(element)));
      return;
    }
  }
  remember(rows, element);
  out.push_back(core::makeChange(core::ChangeOp::Update, std::move(element), std::move(before)));
}

void appendDelete(const PgTable& table, const DeleteMessage& del, TransactionRows& rows,
                  std::vector<core::Change>& out) {
  TupleTexts old = textsOf(table, del.old_tuple);
  RowConverter convert(table);
  core::Element gone;
  gone.id = convert.elementId(old.texts);
  gone.labels = {table.name};
  core::Map before;
  if (!del.old_is_key_only)
    before = convert.properties(old.texts, &old.unchanged);
  gone.properties = before;
  rows.erase(gone.id);
  out.push_back(core::makeChange(core::ChangeOp::Delete, std::move(gone), std::move(before)));
}

}  // namespace livedash::sources::postgres
