// src/engine/id_index.hpp
//
// The element store's index from element id to handle: open addressing with linear probing over
// 8-byte slots of (32-bit hash tag, handle); the tag's low bits are the slot's home. It answers
// exactly like a hash set, but it can also be asked in steps that never wait for the answer —
// load an id's slot, then guess its handle from the tag alone — so the engine can start the cache
// misses of changes it will apply a few transactions later and overlap them (Engine::apply over a
// backlog), where a general hash set must compare the id, and so wait for the element, first.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/element_transition.hpp"
#include "engine/huge_page_array.hpp"
#include "engine/slot_array.hpp"

namespace livedash::engine {

class IdIndex {
 public:
  static constexpr ElementHandle kNoHandle = UINT32_MAX;
  static constexpr size_t kNoPosition = SIZE_MAX;

  //! `versions` holds the ids the index compares against; it must outlive the index.
  explicit IdIndex(const SlotArray<ElementVersion>& versions);

  static uint32_t tagOf(std::string_view id);

  //! Exact lookup: the position of `id`'s slot, or kNoPosition.
  size_t find(uint32_t tag, std::string_view id) const;
  ElementHandle handleAt(size_t position) const { return slots_[position].handle; }
  //! Adds a handle whose id (of tag `tag`) is not in the index.
  void insert(uint32_t tag, ElementHandle handle);
  void eraseAt(size_t position);
  size_t size() const { return size_; }

  //! Starts loading the slot where `tag`'s probe begins.
  void prefetchSlot(uint32_t tag) const { __builtin_prefetch(&slots_[tag & mask_]); }
  //! The handle in the first slot that carries `tag`, or kNoHandle: a guess for prefetching only
  //! (tags collide, and the ids are not compared).
  ElementHandle guess(uint32_t tag) const;

 private:
  struct Slot {
    uint32_t tag = 0;
    ElementHandle handle = kNoHandle;
  };
  void grow();
  //! The first empty slot of `tag`'s probe run, where it is inserted.
  size_t emptySlotFor(uint32_t tag) const;

  const SlotArray<ElementVersion>& versions_;
  HugePageArray<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
};

}  // namespace livedash::engine
