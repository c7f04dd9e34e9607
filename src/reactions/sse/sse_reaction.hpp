// src/reactions/sse/sse_reaction.hpp
#pragma once

#include <atomic>
#include <functional>

#include "core/frame.hpp"
#include "reactions/reaction.hpp"

namespace livedash::reactions {

//! Turns diffs into SSE events, `id: <reaction sequence>` then `data: <diff JSON>`, with no
//! `event:` field so that EventSource.onmessage fires. One multiplexed stream carries all of the
//! reaction's queries. The frame is built once and shared by every connected client.
class SseReaction final : public Reaction {
 public:
  //! `persist` (optional) is told each sequence before its frame is published; `first_sequence`
  //! is the last one a previous run published, if any.
  SseReaction(std::string id, std::vector<std::string> queries, std::string channel,
              core::FrameSink& sink, uint64_t first_sequence = 0,
              std::function<void(uint64_t)> persist = {});
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& queries() const override { return queries_; }
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;
  uint64_t sequence() const { return sequence_.load(); }

 private:
  std::string id_;
  std::vector<std::string> queries_;
  std::string channel_;
  core::FrameSink& sink_;
  std::atomic<uint64_t> sequence_{0};
  std::function<void(uint64_t)> persist_;
};

}  // namespace livedash::reactions
