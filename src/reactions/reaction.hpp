// src/reactions/reaction.hpp
//
// A reaction subscribes to some queries and does something with their diffs. Called on the
// engine thread, in sequence order per query, with the diff and its JSON (encoded once for all
// reactions). Must not block: hand slow work (network) to another thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/query_diff.hpp"

namespace livedash::reactions {

class Reaction {
 public:
  virtual ~Reaction() = default;
  virtual const std::string& id() const = 0;
  virtual const std::vector<std::string>& queries() const = 0;
  virtual void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) = 0;
};
using ReactionPtr = std::unique_ptr<Reaction>;

}  // namespace livedash::reactions
