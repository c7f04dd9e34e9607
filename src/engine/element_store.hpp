// src/engine/element_store.hpp
//
// The current version of every element the engine has seen, with a per-label index. Updates are
// upserts that merge properties into the stored version (Drasi's semantics), so a source may send
// only the columns that changed. Shared by all queries: this is the arrangement "elements by id";
// queries keep their own derived indexes.
//
// Each element gets a dense integer handle when it is first stored: the id string is hashed once
// per change, here, and everything inside the engine can index by handle. A version is updated
// in place (no query keeps a version beyond the transition that produced it); the transition
// says which properties changed and what they were, which is all a query needs of "before".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "core/change.hpp"
#include "engine/element_transition.hpp"

namespace livedash::engine {

using HandleSet = boost::unordered_flat_set<ElementHandle>;

//! Hashes std::string and std::string_view alike, so lookups by view need no copy.
struct IdHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class ElementStore {
 public:
  ElementStore();
  ~ElementStore();

  //! Applies a change and returns the transition it made, valid until the next apply(). An
  //! update of an unknown element inserts it; a delete of an unknown element is a no-op
  //! transition. `change` must outlive the transition (it names the changed properties).
  const ElementTransition& apply(const core::Change& change, int64_t commit_time_ms);
  //! Makes the handles of elements deleted since the last call free for reuse. The engine calls
  //! it between transactions, so within one a handle names one element only.
  void releaseDeletedHandles();

  const ElementVersion* find(std::string_view id) const;
  const ElementVersion* at(ElementHandle handle) const { return versions_[handle].get(); }
  //! Handles of elements that carry `label`.
  const HandleSet* handlesWithLabel(const std::string& label) const;
  //! Ids of relationship elements that start or end at `node_id`.
  const std::unordered_set<std::string>* relationsOf(const std::string& node_id) const;
  size_t size() const { return by_id_.size(); }

 private:
  void insert(const core::Change& change, int64_t commit_time_ms);
  void update(ElementVersion& version, const core::Change& change, int64_t commit_time_ms);
  void remove(ElementHandle handle);
  void index(const ElementVersion& v);
  void unindex(const ElementVersion& v);

  boost::unordered_flat_map<std::string, ElementHandle, IdHash, std::equal_to<>> by_id_;
  std::vector<std::unique_ptr<ElementVersion>> versions_;
  std::vector<ElementHandle> free_handles_;
  std::vector<ElementHandle> deleted_handles_;
  std::unordered_map<std::string, HandleSet> by_label_;
  std::unordered_map<std::string, std::unordered_set<std::string>> relations_by_node_;
  // What the returned transition points at, reused from change to change.
  ElementTransition transition_;
  std::vector<ChangedProperty> changed_;
  std::unique_ptr<ElementVersion> before_copy_;
};

}  // namespace livedash::engine
