// src/sources/change_coalescing.cpp
#include "sources/change_coalescing.hpp"

#include <string>
#include <unordered_map>

namespace livedash::sources {

namespace {

struct NetChange {
  bool existed_before = false;
  bool exists_after = false;
  core::Map before;
  core::Element last;
};

}  // namespace

std::vector<core::Change> coalesceChanges(std::vector<core::Change>&& changes) {
  std::vector<NetChange> nets;
  std::unordered_map<std::string, size_t> slot_of;
  nets.reserve(changes.size());
  for (core::Change& change : changes) {
    auto [it, inserted] = slot_of.try_emplace(change.element.id, nets.size());
    if (inserted) {
      NetChange net;
      net.existed_before = change.op != core::ChangeOp::Insert;
      net.before = std::move(change.before);
      nets.push_back(std::move(net));
    }
    NetChange& net = nets[it->second];
    net.exists_after = change.op != core::ChangeOp::Delete;
    net.last = std::move(change.element);
  }
  std::vector<core::Change> out;
  out.reserve(nets.size());
  for (NetChange& net : nets) {
    if (net.existed_before && net.exists_after) {
      out.push_back(
          core::makeChange(core::ChangeOp::Update, std::move(net.last), std::move(net.before)));
    } else if (net.existed_before) {
      // The deleted element is shown as it was before the transaction.
      net.last.properties = net.before;
      out.push_back(
          core::makeChange(core::ChangeOp::Delete, std::move(net.last), std::move(net.before)));
    } else if (net.exists_after) {
      out.push_back(core::makeChange(core::ChangeOp::Insert, std::move(net.last)));
    }
  }
  return out;
}

}  // namespace livedash::sources
