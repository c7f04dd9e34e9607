// tests/integration/result_compare.hpp
//
// Puts an engine snapshot and a PostgreSQL result in one comparable form: each cell becomes text
// (integers, text, and numerics to two decimals) or, for averages, a double compared with a
// tolerance. Cells of the wrong kind (a float where an integer belongs) never compare equal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/query_diff.hpp"

namespace livedash::integration {

enum class ColumnKind {
  Integer,  //!< engine Integer; PostgreSQL int or bigint
  Text,     //!< engine String; PostgreSQL text or timestamp (as ISO text)
  Money,    //!< engine Decimal (numeric(10,2)) or Float (sum); PostgreSQL numeric; to 2 decimals
  Real,     //!< engine Float; PostgreSQL numeric; compared within 1e-6 (averages)
};

struct Column {
  std::string name;
  ColumnKind kind;
};

struct Cell {
  std::string text;            //!< canonical text; for Real cells only "NULL" or a kind error
  std::optional<double> real;  //!< set for non-null Real cells
};
using CanonicalRow = std::vector<Cell>;
using PgRows = std::vector<std::vector<std::optional<std::string>>>;

std::vector<CanonicalRow> canonicalRows(const engine::QuerySnapshot& snapshot,
                                        const std::vector<Column>& columns);
std::vector<CanonicalRow> canonicalRows(const PgRows& rows, const std::vector<Column>& columns);

//! Sorts rows into a canonical order, for comparing multisets.
void sortRows(std::vector<CanonicalRow>& rows);
bool sameRows(const std::vector<CanonicalRow>& a, const std::vector<CanonicalRow>& b);
//! The first `key_columns` cells of a row (the whole row when 0), as one string.
std::string rowKey(const CanonicalRow& row, size_t key_columns);
std::string formatRow(const CanonicalRow& row);
std::string formatRows(const std::vector<CanonicalRow>& rows);

}  // namespace livedash::integration
