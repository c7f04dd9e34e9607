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

#include <boost/unordered/unordered_flat_set.hpp>

#include "core/change.hpp"
#include "engine/element_transition.hpp"
#include "engine/id_index.hpp"
#include "engine/slot_array.hpp"

namespace livedash::engine {

using HandleSet = boost::unordered_flat_set<ElementHandle>;

class ElementStore {
 public:
  ElementStore();
  ~ElementStore();
  // The id index points into the store.
  ElementStore(const ElementStore&) = delete;
  ElementStore& operator=(const ElementStore&) = delete;

  class Located;
  //! Finds the change's element in the id index: the first half of apply(), so that a caller
  //! can start loading its own state for the element (Stage::prefetch) while the store merges.
  Located locate(const core::Change& change) const;
  //! Applies a change and returns the transition it made, valid until the next apply(). An
  //! update of an unknown element inserts it; a delete of an unknown element is a no-op
  //! transition. `change` must outlive the transition (it names the changed properties).
  //! `at` is locate(change), with nothing applied in between.
  const ElementTransition& apply(const core::Change& change, const Located& at,
                                 int64_t commit_time_ms);
  const ElementTransition& apply(const core::Change& change, int64_t commit_time_ms);

  // Hints for a change to be applied a few changes later, so its cache misses overlap with the
  // work before it (Engine::apply over a backlog). Called in this order, each a little closer to
  // the change; they change nothing and may guess wrong.
  void prefetchSlot(std::string_view id) const { by_id_.prefetchSlot(IdIndex::tagOf(id)); }
  //! Returns the handle the id probably has (IdIndex::kNoHandle if none), so the caller can
  //! prefetch its own state for it.
  ElementHandle prefetchVersion(std::string_view id) const;
  void prefetchProperties(std::string_view id) const;
  //! Makes the handles of elements deleted since the last call free for reuse. The engine calls
  //! it between transactions, so within one a handle names one element only.
  void releaseDeletedHandles();

  const ElementVersion* find(std::string_view id) const;
  const ElementVersion* at(ElementHandle handle) const { return versions_.find(handle); }
  //! Handles of elements that carry `label`.
  const HandleSet* handlesWithLabel(const std::string& label) const;
  //! Ids of relationship elements that start or end at `node_id`.
  const std::unordered_set<std::string>* relationsOf(const std::string& node_id) const;
  size_t size() const { return by_id_.size(); }

 private:
  void insert(const core::Change& change, uint32_t tag, int64_t commit_time_ms);
  void update(ElementVersion& version, const core::Change& change, int64_t commit_time_ms);
  void remove(ElementHandle handle);
  void index(const ElementVersion& v);
  void unindex(const ElementVersion& v);

 public:
  //! Where locate() found a change's element, if it did.
  class Located {
   public:
    bool found() const { return position_ != IdIndex::kNoPosition; }
    ElementHandle handle() const { return handle_; }  //!< only when found()

   private:
    friend class ElementStore;
    size_t position_ = IdIndex::kNoPosition;
    uint32_t tag_ = 0;
    ElementHandle handle_ = IdIndex::kNoHandle;
  };

 private:
  SlotArray<ElementVersion> versions_;
  ElementHandle next_handle_ = 0;
  std::vector<ElementHandle> free_handles_;
  std::vector<ElementHandle> deleted_handles_;
  IdIndex by_id_;  //!< after versions_, which it reads
  std::unordered_map<std::string, HandleSet> by_label_;
  std::unordered_map<std::string, std::unordered_set<std::string>> relations_by_node_;
  // What the returned transition points at, reused from change to change.
  ElementTransition transition_;
  std::vector<ChangedProperty> changed_;
  ElementVersion before_copy_;
};

}  // namespace livedash::engine
