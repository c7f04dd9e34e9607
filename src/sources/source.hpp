// src/sources/source.hpp
//
// A Source produces transaction-grouped change batches. start() first delivers one bootstrap batch
// (a consistent snapshot of the current rows), then live batches that continue from exactly that
// point, with no gap and no overlap. Batches are delivered in commit order from the source's own
// thread (or from the writer's thread, for the embedded store).
#pragma once

#include <memory>
#include <string>

#include "core/change.hpp"

namespace livedash::sources {

class Source {
 public:
  virtual ~Source() = default;
  virtual const std::string& id() const = 0;
  //! Bootstraps into `sink`, then streams. `sink` must outlive the source or stop().
  virtual void start(core::ChangeSink& sink) = 0;
  virtual void stop() = 0;
};
using SourcePtr = std::unique_ptr<Source>;

}  // namespace livedash::sources
