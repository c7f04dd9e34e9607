// src/engine/element_store.cpp
#include "engine/element_store.hpp"

namespace livedash::engine {

ElementTransition ElementStore::apply(const core::Change& change, int64_t commit_time_ms) {
  ElementTransition t;
  auto it = elements_.find(change.element.id);
  if (it != elements_.end()) {
    t.before = it->second;
  }
  if (change.op == core::ChangeOp::Delete) {
    if (t.before) {
      unindex(t.before->element);
      elements_.erase(it);
    }
    return t;
  }
  auto version = std::make_shared<ElementVersion>();
  version->element = change.element;
  version->changed_at_ms = commit_time_ms;
  if (change.op == core::ChangeOp::Update && t.before) {
    // Upsert with property merge: keep properties the change did not mention.
    for (const auto& [key, value] : t.before->element.properties) {
      version->element.properties.try_emplace(key, value);
    }
    if (version->element.labels.empty()) {
      version->element.labels = t.before->element.labels;
    }
  }
  // Most updates keep the labels: then the label index already has the element.
  bool same_shape = t.before && t.before->element.labels == version->element.labels &&
                    t.before->element.start_id == version->element.start_id &&
                    t.before->element.end_id == version->element.end_id;
  if (!same_shape) {
    if (t.before)
      unindex(t.before->element);
    index(version->element);
  }
  t.after = version;
  if (it != elements_.end()) {
    it->second = version;
  } else {
    elements_.emplace(change.element.id, version);
  }
  return t;
}

ElementVersionConstSharedPtr ElementStore::find(const std::string& id) const {
  auto it = elements_.find(id);
  return it == elements_.end() ? nullptr : it->second;
}

const std::unordered_set<std::string>* ElementStore::idsWithLabel(const std::string& label) const {
  auto it = by_label_.find(label);
  return it == by_label_.end() ? nullptr : &it->second;
}

const std::unordered_set<std::string>* ElementStore::relationsOf(const std::string& node_id) const {
  auto it = relations_by_node_.find(node_id);
  return it == relations_by_node_.end() ? nullptr : &it->second;
}

void ElementStore::index(const core::Element& e) {
  for (const std::string& label : e.labels) {
    by_label_[label].insert(e.id);
  }
  if (e.isRelation()) {
    relations_by_node_[e.start_id].insert(e.id);
    relations_by_node_[e.end_id].insert(e.id);
  }
}

void ElementStore::unindex(const core::Element& e) {
  for (const std::string& label : e.labels) {
    auto it = by_label_.find(label);
    if (it != by_label_.end()) {
      it->second.erase(e.id);
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
