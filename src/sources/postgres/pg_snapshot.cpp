// src/sources/postgres/pg_snapshot.cpp
#include "sources/postgres/pg_snapshot.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace livedash::sources::postgres {

namespace {

uint64_t parseXid(std::string_view text, std::string_view whole) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw core::Error(core::ErrorCode::Internal, fmt::format("bad snapshot `{}`", whole));
  return value;
}

// Closes the cursor transaction on every exit path, so a failed bootstrap leaves the
// connection usable (or at least not stuck in an aborted transaction).
class ReadOnlyTransaction {
 public:
  explicit ReadOnlyTransaction(PgConnection& conn) : conn_(conn) {
    conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  ~ReadOnlyTransaction() {
    if (open_ && conn_.ok()) {
      try {
        conn_.exec("ROLLBACK");
      } catch (const std::exception&) {
        // The connection is going away; nothing left to undo.
      }
    }
  }
  void commit() {
    conn_.exec("COMMIT");
    open_ = false;
  }

 private:
  PgConnection& conn_;
  bool open_ = true;
};

}  // namespace

XidSnapshot XidSnapshot::parse(std::string_view text) {
  XidSnapshot s;
  size_t first = text.find(':');
  size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos)
    throw core::Error(core::ErrorCode::Internal, fmt::format("bad snapshot `{}`", text));
  s.xmin = parseXid(text.substr(0, first), text);
  s.xmax = parseXid(text.substr(first + 1, second - first - 1), text);
  std::string_view rest = text.substr(second + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    s.in_progress.push_back(parseXid(rest.substr(0, comma), text));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  std::sort(s.in_progress.begin(), s.in_progress.end());
  return s;
}

bool XidSnapshot::isVisible(uint64_t xid) const {
  if (xid < xmin)
    return true;
  if (xid >= xmax)
    return false;
  return !std::binary_search(in_progress.begin(), in_progress.end(), xid);
}

bool XidSnapshot::isVisible32(uint32_t xid) const {
  // A 32-bit xid is within 2^31 of any live xid, so it belongs to the epoch that puts it nearest
  // to xmax.
  uint64_t epoch = xmax >> 32;
  uint64_t full = (epoch << 32) | xid;
  if (full > xmax + (uint64_t{1} << 31) && full >= (uint64_t{1} << 32))
    full -= uint64_t{1} << 32;
  else if (full + (uint64_t{1} << 31) < xmax)
    full += uint64_t{1} << 32;
  return isVisible(full);
}

XidSnapshot readSnapshot(PgConnection& conn, const std::vector<PgTable>& tables,
                         const BootstrapOptions& options,
                         const std::function<void(std::vector<core::Change>&&)>& on_rows) {
  ReadOnlyTransaction transaction(conn);
  // The first statement fixes the transaction's snapshot; every table is then read as of it.
  PgResult current = conn.exec("SELECT pg_current_snapshot()::text");
  XidSnapshot snapshot = XidSnapshot::parse(current.text(0, 0));
  for (const PgTable& table : tables) {
    std::string columns;
    for (const PgColumn& c : table.columns) {
      if (!columns.empty())
        columns += ", ";
      columns += conn.quoteIdentifier(c.name);
    }
    if (columns.empty())
      continue;
    conn.exec(fmt::format("DECLARE livedash_bootstrap NO SCROLL CURSOR FOR SELECT {} FROM {}.{}",
                          columns, conn.quoteIdentifier(table.schema),
                          conn.quoteIdentifier(table.name)));
    RowConverter convert(table);
    std::string fetch = fmt::format("FETCH {} FROM livedash_bootstrap", options.page_rows);
    std::vector<std::string> cells(table.columns.size());
    std::vector<const std::string*> texts(table.columns.size());
    while (true) {
      PgResult page = conn.exec(fetch);
      if (page.rows() == 0)
        break;
      std::vector<core::Change> changes;
      changes.reserve(static_cast<size_t>(page.rows()));
      for (int r = 0; r < page.rows(); ++r) {
        for (size_t c = 0; c < table.columns.size(); ++c) {
          int column = static_cast<int>(c);
          if (page.isNull(r, column)) {
            texts[c] = nullptr;
          } else {
            cells[c].assign(page.text(r, column));
            texts[c] = &cells[c];
          }
        }
        core::Change change;
        change.op = core::ChangeOp::Insert;
        change.element = convert.element(texts);
        changes.push_back(std::move(change));
      }
      on_rows(std::move(changes));
    }
    conn.exec("CLOSE livedash_bootstrap");
  }
  transaction.commit();
  return snapshot;
}

}  // namespace livedash::sources::postgres
