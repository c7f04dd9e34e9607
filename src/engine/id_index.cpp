// src/engine/id_index.cpp
#include "engine/id_index.hpp"

#include <functional>

namespace livedash::engine {

namespace {
constexpr size_t kInitialSlots = 16;
}  // namespace

IdIndex::IdIndex(const SlotArray<ElementVersion>& versions)
    : versions_(versions), slots_(kInitialSlots, Slot{}), mask_(kInitialSlots - 1) {}

uint32_t IdIndex::tagOf(std::string_view id) {
  uint64_t h = std::hash<std::string_view>{}(id);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

size_t IdIndex::find(uint32_t tag, std::string_view id) const {
  for (size_t pos = tag & mask_;; pos = (pos + 1) & mask_) {
    const Slot& s = slots_[pos];
    if (s.handle == kNoHandle)
      return kNoPosition;
    if (s.tag == tag && versions_.find(s.handle)->element.id == id)
      return pos;
  }
}

ElementHandle IdIndex::guess(uint32_t tag) const {
  for (size_t pos = tag & mask_;; pos = (pos + 1) & mask_) {
    const Slot& s = slots_[pos];
    if (s.handle == kNoHandle || s.tag == tag)
      return s.handle;
  }
}

void IdIndex::insert(uint32_t tag, ElementHandle handle) {
  // At most half full, so probes stay short and a miss soon meets an empty slot.
  if ((size_ + 1) * 2 > slots_.size())
    grow();
  slots_[emptySlotFor(tag)] = Slot{tag, handle};
  ++size_;
}

size_t IdIndex::emptySlotFor(uint32_t tag) const {
  size_t pos = tag & mask_;
  while (slots_[pos].handle != kNoHandle)
    pos = (pos + 1) & mask_;
  return pos;
}

void IdIndex::eraseAt(size_t position) {
  // Backward-shift deletion: later slots of the same probe run move into the hole, so the table
  // needs no tombstones and every lookup still stops at the first empty slot.
  size_t hole = position;
  for (size_t pos = (position + 1) & mask_; slots_[pos].handle != kNoHandle;
       pos = (pos + 1) & mask_) {
    size_t home = slots_[pos].tag & mask_;
    // The entry may move back only if its home is not cyclically within (hole, pos].
    bool home_after_hole =
        hole <= pos ? (hole < home && home <= pos) : (hole < home || home <= pos);
    if (!home_after_hole) {
      slots_[hole] = slots_[pos];
      hole = pos;
    }
  }
  slots_[hole] = Slot{};
  --size_;
}

void IdIndex::grow() {
  HugePageArray<Slot> old(slots_.size() * 2, Slot{});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.handle != kNoHandle)
      slots_[emptySlotFor(s.tag)] = s;
  }
}

}  // namespace livedash::engine
