// src/engine/slot_array.hpp
//
// A vector indexed by a dense number (an element handle) that grows in fixed chunks: an entry
// never moves once made, growing never copies what is there, and a range of numbers nobody uses
// (another label's handles) costs one null pointer per chunk.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace livedash::engine {

template <class T>
class SlotArray {
 public:
  //! The entry for `slot`, made (default-constructed, with its chunk) if need be.
  T& operator[](uint32_t slot) {
    size_t chunk = slot >> kShift;
    if (chunk >= chunks_.size())
      chunks_.resize(chunk + 1);
    std::unique_ptr<T[]>& c = chunks_[chunk];
    if (!c)
      c = std::make_unique<T[]>(kChunk);
    return c[slot & kMask];
  }
  //! The entry for `slot`, or null when its chunk was never made.
  T* find(uint32_t slot) {
    size_t chunk = slot >> kShift;
    if (chunk >= chunks_.size() || !chunks_[chunk])
      return nullptr;
    return &chunks_[chunk][slot & kMask];
  }
  const T* find(uint32_t slot) const { return const_cast<SlotArray*>(this)->find(slot); }

 private:
  static constexpr uint32_t kShift = 12;
  static constexpr uint32_t kChunk = 1u << kShift;
  static constexpr uint32_t kMask = kChunk - 1;
  std::vector<std::unique_ptr<T[]>> chunks_;
};

}  // namespace livedash::engine
