// src/engine/element_store.hpp
//
// The current version of every element the engine has seen, by id, with a per-label index.
// Updates are upserts that merge properties into the stored version (Drasi's semantics), so a
// source may send only the columns that changed. Shared by all queries: this is the arrangement
// "elements by id"; queries keep their own derived indexes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/change.hpp"

namespace livedash::engine {

//! One immutable version of an element. Queries hold shared pointers to versions they matched.
struct ElementVersion {
  core::Element element;
  //! Commit time of the change that produced this version (drasi.changeDateTime).
  int64_t changed_at_ms = 0;
};
using ElementVersionConstSharedPtr = std::shared_ptr<const ElementVersion>;

//! The element before and after one change; either may be null (insert, delete).
struct ElementTransition {
  ElementVersionConstSharedPtr before;
  ElementVersionConstSharedPtr after;
};

class ElementStore {
 public:
  //! Applies a change and returns the transition it made. An update of an unknown element
  //! inserts it; a delete of an unknown element is a no-op transition.
  ElementTransition apply(const core::Change& change, int64_t commit_time_ms);

  ElementVersionConstSharedPtr find(const std::string& id) const;
  //! Ids of elements that carry `label`.
  const std::unordered_set<std::string>* idsWithLabel(const std::string& label) const;
  //! Ids of relationship elements that start or end at `node_id`.
  const std::unordered_set<std::string>* relationsOf(const std::string& node_id) const;
  size_t size() const { return elements_.size(); }

 private:
  void index(const core::Element& e);
  void unindex(const core::Element& e);

  std::unordered_map<std::string, ElementVersionConstSharedPtr> elements_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_label_;
  std::unordered_map<std::string, std::unordered_set<std::string>> relations_by_node_;
};

}  // namespace livedash::engine
