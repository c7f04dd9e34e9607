// src/sources/postgres/pg_snapshot.hpp
//
// The bootstrap, and how the change stream lines up with it. The snapshot is read in one
// REPEATABLE READ transaction that also records pg_current_snapshot(). A transaction's changes
// are in that snapshot exactly when its xid is visible to it (committed before the snapshot was
// taken), so a stream that starts anywhere before the snapshot applies precisely the transactions
// that are not visible, and skips the rest: no gap and no overlap. Both the replication stream
// (whose Begin carries the xid) and notify mode (whose payload carries it) use this rule.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "sources/postgres/pg_connection.hpp"
#include "sources/postgres/pg_table_catalog.hpp"

namespace livedash::sources::postgres {

//! pg_current_snapshot(): xmin:xmax:xip_list, with 64-bit (epoch-qualified) xids.
struct XidSnapshot {
  uint64_t xmin = 0;
  uint64_t xmax = 0;
  std::vector<uint64_t> in_progress;

  //! Parses "xmin:xmax:xip,xip,…". Throws core::Error on anything else.
  static XidSnapshot parse(std::string_view text);
  //! Whether the transaction's effects are in the snapshot. `xid` may be a 32-bit xid (as
  //! pgoutput's Begin gives it), which is placed in the epoch nearest to xmax.
  bool isVisible(uint64_t xid) const;
  bool isVisible32(uint32_t xid) const;
};

struct BootstrapOptions {
  //! Rows fetched per round trip; the snapshot is never held whole in memory.
  int page_rows = 10'000;
};

//! Reads every table in one REPEATABLE READ READ ONLY transaction, page by page, and hands each
//! page to `on_rows` as Insert changes. Returns the snapshot the rows reflect.
XidSnapshot readSnapshot(PgConnection& conn, const std::vector<PgTable>& tables,
                         const BootstrapOptions& options,
                         const std::function<void(std::vector<core::Change>&&)>& on_rows);

}  // namespace livedash::sources::postgres
