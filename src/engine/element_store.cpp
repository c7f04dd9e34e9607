// src/engine/element_store.cpp
#include "engine/element_store.hpp"

#include <cstring>

namespace livedash::engine {

namespace {

// Whether a property keeps exactly its value: `==` says 1 equals 1.0, but a client sees the
// difference, so kinds must match too, floats bit for bit. Lists and maps count as changed
// unless they are the same shared object (rare in table rows, and always safe).
bool identical(const core::Value& a, const core::Value& b) {
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
    case core::ValueKind::String:
      return a.asString() == b.asString();
    case core::ValueKind::Integer:
      return a.asInteger() == b.asInteger();
    case core::ValueKind::Float: {
      double x = a.asFloat();
      double y = b.asFloat();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case core::ValueKind::DateTime:
      return a.asDateTime() == b.asDateTime();
    case core::ValueKind::List:
      return &a.asList() == &b.asList();
    case core::ValueKind::Map:
      return &a.asMap() == &b.asMap();
    default:
      return a == b;
  }
}

}  // namespace

ElementStore::ElementStore() : by_id_(versions_) {}
ElementStore::~ElementStore() = default;

ElementStore::Located ElementStore::locate(const core::Change& change) const {
  Located at;
  at.tag_ = IdIndex::tagOf(change.element.id);
  at.position_ = by_id_.find(at.tag_, change.element.id);
  if (at.found()) {
    at.handle_ = by_id_.handleAt(at.position_);
    // Finding it compared the stored id, so the version is in cache; its properties are next.
    const core::Map& props = versions_.find(at.handle_)->element.properties;
    if (!props.empty())
      __builtin_prefetch(&*props.begin());
  }
  return at;
}

ElementHandle ElementStore::prefetchVersion(std::string_view id) const {
  ElementHandle handle = by_id_.guess(IdIndex::tagOf(id));
  if (handle != IdIndex::kNoHandle) {
    // The id and the property map's pointer, which prefetchProperties() reads next.
    if (const ElementVersion* v = versions_.find(handle)) {
      __builtin_prefetch(&v->element.id);
      __builtin_prefetch(&v->element.properties);
    }
  }
  return handle;
}

void ElementStore::prefetchProperties(std::string_view id) const {
  ElementHandle handle = by_id_.guess(IdIndex::tagOf(id));
  if (handle == IdIndex::kNoHandle)
    return;
  if (const ElementVersion* v = versions_.find(handle); v && !v->element.properties.empty())
    __builtin_prefetch(&*v->element.properties.begin());
}

const ElementTransition& ElementStore::apply(const core::Change& change, int64_t commit_time_ms) {
  return apply(change, locate(change), commit_time_ms);
}

const ElementTransition& ElementStore::apply(const core::Change& change, const Located& at,
                                             int64_t commit_time_ms) {
  transition_ = ElementTransition{};
  if (!at.found()) {
    if (change.op != core::ChangeOp::Delete)
      insert(change, at.tag_, commit_time_ms);
    return transition_;
  }
  ElementHandle handle = at.handle_;
  if (change.op == core::ChangeOp::Delete) {
    by_id_.eraseAt(at.position_);
    remove(handle);
    return transition_;
  }
  ElementVersion& version = versions_[handle];
  if (change.op == core::ChangeOp::Insert) {
    // An insert of a known id replaces the element: like a delete then an insert, but the
    // element keeps its handle. Modelled as an update whose shape changed.
    before_copy_ = version;
    unindex(version);
    version.element = change.element;
    version.changed_at_ms = commit_time_ms;
    index(version);
    changed_.clear();
    transition_.kind = ElementTransition::Kind::Update;
    transition_.after = &version;
    transition_.before_copy = &before_copy_;
    transition_.changed = &changed_;
    return transition_;
  }
  update(version, change, commit_time_ms);
  return transition_;
}

void ElementStore::insert(const core::Change& change, uint32_t tag, int64_t commit_time_ms) {
  ElementHandle handle;
  if (!free_handles_.empty()) {
    handle = free_handles_.back();
    free_handles_.pop_back();
  } else {
    handle = next_handle_++;
  }
  ElementVersion& version = versions_[handle];
  version.element = change.element;
  version.changed_at_ms = commit_time_ms;
  version.handle = handle;
  index(version);
  by_id_.insert(tag, handle);
  transition_.kind = ElementTransition::Kind::Insert;
  transition_.after = &version;
}

void ElementStore::update(ElementVersion& version, const core::Change& change,
                          int64_t commit_time_ms) {
  core::Element& e = version.element;
  const core::Element& in = change.element;
  // Upsert: empty labels keep the stored ones. Endpoints are what the change says.
  bool same_shape = (in.labels.empty() || in.labels == e.labels) && in.start_id == e.start_id &&
                    in.end_id == e.end_id;
  transition_.before_copy = nullptr;
  if (!same_shape) {
    before_copy_ = version;
    transition_.before_copy = &before_copy_;
    unindex(version);
    if (!in.labels.empty())
      e.labels = in.labels;
    e.start_id = in.start_id;
    e.end_id = in.end_id;
  }
  // Merge the properties in place: both maps are sorted by key, so one forward walk finds
  // every stored property the change mentions.
  std::vector<ChangedProperty>& changed = changed_;
  changed.clear();
  core::Map& props = e.properties;
  auto pos = props.begin();
  for (const auto& [key, value] : in.properties) {
    int order = 1;
    while (pos != props.end() && (order = pos->first.compare(key)) < 0)
      ++pos;
    if (pos != props.end() && order == 0) {
      if (!identical(pos->second, value)) {
        changed.push_back(ChangedProperty{key, std::move(pos->second), true});
        pos->second = value;
      }
      ++pos;
      continue;
    }
    changed.push_back(ChangedProperty{key, core::Value(), false});
    pos = props.emplace_hint(pos, key, value);
    ++pos;
  }
  version.changed_at_ms = commit_time_ms;
  if (!same_shape)
    index(version);
  transition_.kind = ElementTransition::Kind::Update;
  transition_.after = &version;
  transition_.changed = &changed;
}

void ElementStore::remove(ElementHandle handle) {
  ElementVersion& version = versions_[handle];
  unindex(version);
  // The transition shows the removed version until the next change; the slot waits, empty,
  // for its handle to be reused.
  before_copy_ = std::move(version);
  version = ElementVersion{};
  deleted_handles_.push_back(handle);
  transition_.kind = ElementTransition::Kind::Delete;
  transition_.before_copy = &before_copy_;
}

void ElementStore::releaseDeletedHandles() {
  free_handles_.insert(free_handles_.end(), deleted_handles_.begin(), deleted_handles_.end());
  deleted_handles_.clear();
}

const ElementVersion* ElementStore::find(std::string_view id) const {
  size_t position = by_id_.find(IdIndex::tagOf(id), id);
  return position == IdIndex::kNoPosition ? nullptr : versions_.find(by_id_.handleAt(position));
}

const HandleSet* ElementStore::handlesWithLabel(const std::string& label) const {
  auto it = by_label_.find(label);
  return it == by_label_.end() ? nullptr : &it->second;
}

const std::unordered_set<std::string>* ElementStore::relationsOf(const std::string& node_id) const {
  auto it = relations_by_node_.find(node_id);
  return it == relations_by_node_.end() ? nullptr : &it->second;
}

void ElementStore::index(const ElementVersion& v) {
  const core::Element& e = v.element;
  for (const std::string& label : e.labels) {
    by_label_[label].insert(v.handle);
  }
  if (e.isRelation()) {
    relations_by_node_[e.start_id].insert(e.id);
    relations_by_node_[e.end_id].insert(e.id);
  }
}

void ElementStore::unindex(const ElementVersion& v) {
  const core::Element& e = v.element;
  for (const std::string& label : e.labels) {
    auto it = by_label_.find(label);
    if (it != by_label_.end()) {
      it->second.erase(v.handle);
    }
  }
  if (e.isRelation()) {
    for (const std::string* node : {&e.start_id, &e.end_id}) {
      auto it = relations_by_node_.find(*node);
      if (it == relations_by_node_.end())
        continue;
      it->second.erase(e.id);
      if (it->second.empty())
        relations_by_node_.erase(it);
    }
  }
}

}  // namespace livedash::engine
