// src/app/sequence_store.hpp
//
// The last sequence number of each query and reaction, kept in a small memory-mapped file in the
// state directory. A restarted livedash continues after them, so a client never sees the same
// sequence twice (it is told `must-refetch` instead, since the replay log did not survive).
//
// Why a mapping: the engine records every sequence *before* the diff reaches any client, so the
// record must cost next to nothing. A store into a shared mapping is a memory write; the kernel
// keeps the page when the process dies, even by SIGKILL. (A machine crash can lose the last
// writes; restart() therefore adds a margin, see `kRestartGap`.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace livedash::app {

class SequenceStore {
 public:
  //! Opens or creates `<dir>/sequences`. Throws core::Error when it cannot.
  explicit SequenceStore(const std::string& dir);
  ~SequenceStore();
  SequenceStore(const SequenceStore&) = delete;
  SequenceStore& operator=(const SequenceStore&) = delete;

  //! A slot for `name` ("query:order-stats"), created at 0 when new. Valid for the store's life.
  //! Not thread-safe: take every slot at startup.
  uint64_t* slot(std::string_view name);

  //! Sequences a restart skips, so that the first new number is unlike any a client might hold
  //! from before, even one the mapping lost in a machine crash.
  static constexpr uint64_t kRestartGap = 1;

 private:
  struct Entry;
  Entry* entries_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;
};

}  // namespace livedash::app
