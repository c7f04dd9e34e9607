// src/app/replay.hpp
//
// `livedash replay`: runs one query over a JSONL change script, offline, with a stepped clock,
// and prints one JSONL diff per transaction (the SSE `data` shape).
#pragma once

#include <iosfwd>
#include <string>

namespace livedash::app {

struct ReplayOptions {
  std::string query_file;
  std::string joins_file;  //!< optional
  std::string changes_file;
};

//! Returns the exit code: 0, or 2 for a bad query, joins file or change script (reported on
//! `err` with file, line and column).
int runReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace livedash::app
