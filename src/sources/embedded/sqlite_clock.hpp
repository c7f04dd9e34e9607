// src/sources/embedded/sqlite_clock.hpp
//
// SQLite reads "now" from its VFS (CURRENT_TIMESTAMP, datetime('now')). ClockVfs is a VFS that
// forwards everything to the default VFS except the time, which it takes from a core::Clock, so
// the embedded store follows the engine's clock and tests can step it. registerNowFunction adds
// PostgreSQL's NOW() on the same clock, with millisecond precision.
#pragma once

#include <memory>
#include <string>

#include "core/clock.hpp"

struct sqlite3;

namespace livedash::sources::embedded {

struct ClockVfsState;

class ClockVfs {
 public:
  //! Registers a uniquely named VFS (not the default one). `clock` must outlive it.
  explicit ClockVfs(const core::Clock& clock);
  //! Unregisters. Every connection opened through it must be closed first.
  ~ClockVfs();
  ClockVfs(const ClockVfs&) = delete;
  ClockVfs& operator=(const ClockVfs&) = delete;

  const char* name() const;

 private:
  std::unique_ptr<ClockVfsState> state_;
};

//! `NOW()` → the clock's time as `YYYY-MM-DD HH:MM:SS.fff` UTC text. Usable in DEFAULT clauses
//! and triggers. Throws on failure.
void registerNowFunction(sqlite3* db, const core::Clock& clock);

}  // namespace livedash::sources::embedded
