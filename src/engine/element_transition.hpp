// src/engine/element_transition.hpp
//
// An element's stored version, and what one change did to it. Queries see a transition while the
// engine applies the change, and never keep a version beyond it: the store updates versions in
// place.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/change.hpp"

namespace livedash::engine {

//! A dense number for a stored element, unique among the elements stored at one time. A deleted
//! element's handle is reused only after the transaction that deleted it.
using ElementHandle = uint32_t;

//! The current version of one element.
struct ElementVersion {
  core::Element element;
  //! Commit time of the change that produced this version (drasi.changeDateTime).
  int64_t changed_at_ms = 0;
  ElementHandle handle = 0;
};

//! A property an update altered, and its value before (`existed` false: it was absent).
struct ChangedProperty {
  std::string_view key;
  core::Value before;
  bool existed = true;
};

//! The element before and after one change. `after` is null on a delete; on an update
//! it is the same object the element had before, now changed.
struct ElementTransition {
  enum class Kind : uint8_t { None, Insert, Update, Delete };
  Kind kind = Kind::None;
  const ElementVersion* after = nullptr;
  //! The whole version before, when the change deleted the element or changed its labels or
  //! endpoints (an update of that kind is rare); null otherwise.
  const ElementVersion* before_copy = nullptr;
  //! Update only: the properties it altered. Empty when the update changed no property (it still
  //! changed the element's change time).
  const std::vector<ChangedProperty>* changed = nullptr;

  bool existedBefore() const { return kind == Kind::Update || kind == Kind::Delete; }
  //! Whether labels or endpoints changed, so the element may enter or leave label sets.
  bool shapeChanged() const { return kind != Kind::Update || before_copy != nullptr; }
  const core::Element& current() const { return after ? after->element : before_copy->element; }
  const std::string& id() const { return current().id; }
  ElementHandle handle() const { return after ? after->handle : before_copy->handle; }
  //! Labels before the change (only meaningful when existedBefore()).
  const core::Labels& beforeLabels() const {
    return before_copy ? before_copy->element.labels : after->element.labels;
  }
  //! The value of `key` before the change; null when the element or the property did not exist.
  const core::Value* beforeProperty(std::string_view key) const;
  //! Whether the change altered `key` (always true for inserts, deletes and shape changes).
  bool changedProperty(std::string_view key) const;
};

inline const core::Value* ElementTransition::beforeProperty(std::string_view key) const {
  if (!existedBefore())
    return nullptr;
  if (before_copy) {
    const core::Map& props = before_copy->element.properties;
    auto it = props.find(key);
    return it == props.end() ? nullptr : &it->second;
  }
  for (const ChangedProperty& c : *changed) {
    if (c.key == key)
      return c.existed ? &c.before : nullptr;
  }
  const core::Map& props = after->element.properties;
  auto it = props.find(key);
  return it == props.end() ? nullptr : &it->second;
}

inline bool ElementTransition::changedProperty(std::string_view key) const {
  if (shapeChanged())
    return true;
  for (const ChangedProperty& c : *changed) {
    if (c.key == key)
      return true;
  }
  return false;
}

}  // namespace livedash::engine
