// src/reactions/sse/sse_reaction.cpp
#include "reactions/sse/sse_reaction.hpp"

#include <fmt/format.h>

namespace livedash::reactions {

SseReaction::SseReaction(std::string id, std::vector<std::string> queries, std::string channel,
                         core::FrameSink& sink, uint64_t first_sequence,
                         std::function<void(uint64_t)> persist)
    : id_(std::move(id)),
      queries_(std::move(queries)),
      channel_(std::move(channel)),
      sink_(sink),
      sequence_(first_sequence),
      persist_(std::move(persist)) {}

void SseReaction::onDiff(const engine::QueryDiff& diff, const std::string& diff_json) {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = channel_;
  frame->sequence = sequence_.load() + 1;
  frame->query = diff.query_id;
  frame->query_sequence = diff.sequence;
  frame->commit_time_ms = diff.timestamp_ms;
  frame->bytes.reserve(diff_json.size() + 32);
  fmt::format_to(std::back_inserter(frame->bytes), "id: {}\ndata: ", frame->sequence);
  frame->bytes.append(diff_json);
  frame->bytes.append("\n\n");
  sequence_.store(frame->sequence);
  if (persist_)
    persist_(frame->sequence);
  sink_.publish(std::move(frame));
}

}  // namespace livedash::reactions
