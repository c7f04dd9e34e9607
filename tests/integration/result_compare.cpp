// tests/integration/result_compare.cpp
#include "result_compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace livedash::integration {
namespace {

constexpr double kTolerance = 1e-6;

std::string twoDecimals(double v) {
  std::string s = fmt::format("{:.2f}", v);
  return s == "-0.00" ? "0.00" : s;
}

Cell wrongKind(const core::Value& v) {
  return {fmt::format("<{}>", core::Value::kindName(v.kind())), std::nullopt};
}

Cell engineCell(const core::Value& v, ColumnKind kind) {
  if (v.isNull()) {
    return {"NULL", std::nullopt};
  }
  switch (kind) {
    case ColumnKind::Integer:
      return v.isInteger() ? Cell{std::to_string(v.asInteger()), std::nullopt} : wrongKind(v);
    case ColumnKind::Text:
      return v.isString() ? Cell{"'" + v.asString() + "'", std::nullopt} : wrongKind(v);
    case ColumnKind::Money:
      // A numeric column (and arithmetic on it) is an exact decimal; sum() is a float.
      return v.isFloat() || v.isDecimal() ? Cell{twoDecimals(v.asNumber()), std::nullopt}
                                          : wrongKind(v);
    case ColumnKind::Real:
      return v.isFloat() ? Cell{"", v.asFloat()} : wrongKind(v);
  }
  return wrongKind(v);
}

Cell pgCell(const std::optional<std::string>& v, ColumnKind kind) {
  if (!v) {
    return {"NULL", std::nullopt};
  }
  switch (kind) {
    case ColumnKind::Integer:
      return {*v, std::nullopt};
    case ColumnKind::Text:
      return {"'" + *v + "'", std::nullopt};
    case ColumnKind::Money:
      return {twoDecimals(std::strtod(v->c_str(), nullptr)), std::nullopt};
    case ColumnKind::Real:
      return {"", std::strtod(v->c_str(), nullptr)};
  }
  return {"<?>", std::nullopt};
}

bool sameCell(const Cell& a, const Cell& b) {
  if (a.text != b.text || a.real.has_value() != b.real.has_value()) {
    return false;
  }
  if (!a.real) {
    return true;
  }
  double scale = std::max({1.0, std::fabs(*a.real), std::fabs(*b.real)});
  return std::fabs(*a.real - *b.real) <= kTolerance * scale;
}

bool lessRow(const CanonicalRow& a, const CanonicalRow& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i].text != b[i].text) {
      return a[i].text < b[i].text;
    }
    if (a[i].real != b[i].real) {
      return a[i].real < b[i].real;
    }
  }
  return a.size() < b.size();
}

}  // namespace

std::vector<CanonicalRow> canonicalRows(const engine::QuerySnapshot& snapshot,
                                        const std::vector<Column>& columns) {
  std::vector<CanonicalRow> out;
  for (const auto& row : snapshot.rows) {
    CanonicalRow& canonical = out.emplace_back();
    for (size_t i = 0; i < std::max(row.size(), columns.size()); ++i) {
      if (i >= row.size() || i >= columns.size()) {
        canonical.push_back({"<column count differs>", std::nullopt});
        continue;
      }
      canonical.push_back(engineCell(row[i], columns[i].kind));
    }
  }
  return out;
}

std::vector<CanonicalRow> canonicalRows(const PgRows& rows, const std::vector<Column>& columns) {
  std::vector<CanonicalRow> out;
  for (const auto& row : rows) {
    CanonicalRow& canonical = out.emplace_back();
    for (size_t i = 0; i < std::max(row.size(), columns.size()); ++i) {
      if (i >= row.size() || i >= columns.size()) {
        canonical.push_back({"<column count differs>", std::nullopt});
        continue;
      }
      canonical.push_back(pgCell(row[i], columns[i].kind));
    }
  }
  return out;
}

void sortRows(std::vector<CanonicalRow>& rows) {
  std::sort(rows.begin(), rows.end(), lessRow);
}

bool sameRows(const std::vector<CanonicalRow>& a, const std::vector<CanonicalRow>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t r = 0; r < a.size(); ++r) {
    if (a[r].size() != b[r].size()) {
      return false;
    }
    for (size_t c = 0; c < a[r].size(); ++c) {
      if (!sameCell(a[r][c], b[r][c])) {
        return false;
      }
    }
  }
  return true;
}

std::string rowKey(const CanonicalRow& row, size_t key_columns) {
  size_t n = key_columns == 0 ? row.size() : std::min(key_columns, row.size());
  std::string key;
  for (size_t i = 0; i < n; ++i) {
    key += row[i].text;
    if (row[i].real) {
      key += fmt::format("{:.6f}", *row[i].real);
    }
    key += '\x1f';
  }
  return key;
}

std::string formatRow(const CanonicalRow& row) {
  std::string out = "(";
  for (size_t i = 0; i < row.size(); ++i) {
    out += i == 0 ? "" : ", ";
    out += row[i].real ? fmt::format("{:.10g}", *row[i].real) : row[i].text;
  }
  return out + ")";
}

std::string formatRows(const std::vector<CanonicalRow>& rows) {
  if (rows.empty()) {
    return "    (no rows)\n";
  }
  std::string out;
  for (const auto& row : rows) {
    out += "    " + formatRow(row) + "\n";
  }
  return out;
}

}  // namespace livedash::integration
