// src/sources/source.hpp
//
// A Source produces transaction-grouped change batches. start() first delivers one bootstrap batch
// (a consistent snapshot of the current rows), then live batches that continue from exactly that
// point, with no gap and no overlap. Batches are delivered in commit order from the source's own
// thread (or from the writer's thread, for the embedded store).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/change.hpp"

namespace livedash::sources {

enum class SourceState : uint8_t {
  Stopped,
  Connecting,
  Bootstrapping,
  Streaming,
  Reconnecting,
  Failed
};
const char* sourceStateName(SourceState state);

//! What /health and the metrics report about a source.
struct SourceStatus {
  SourceState state = SourceState::Stopped;
  //! Why the source is reconnecting or failed; empty when all is well.
  std::string message;
  //! Connection losses since start.
  uint64_t reconnects = 0;
  //! Where the stream is, in the source's own terms (an LSN for PostgreSQL), if it has one.
  std::string position;
  //! Commit time of the last transaction applied, ms since the epoch (0 before the first).
  int64_t last_commit_ms = 0;
  //! How far the applied position trails what the server has sent, in bytes of WAL; -1 when
  //! the source has no such measure.
  int64_t lag_bytes = -1;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const std::string& id() const = 0;
  //! Bootstraps into `sink`, then streams. `sink` must outlive the source or stop(). Throws
  //! core::Error when the configuration is wrong (a fault retrying cannot cure); a server that is
  //! merely unreachable is retried in the background instead.
  virtual void start(core::ChangeSink& sink) = 0;
  virtual void stop() = 0;
  //! Thread-safe.
  virtual SourceStatus status() const = 0;
  //! Waits until the bootstrap has been handed to the sink (true), or the time is up or the
  //! source failed (false). Sources that bootstrap inside start() are ready at once.
  virtual bool waitUntilReady(int64_t /*timeout_ms*/) { return true; }
};
using SourcePtr = std::unique_ptr<Source>;

}  // namespace livedash::sources
