// src/reactions/sse/sse_reaction.hpp
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "reactions/reaction.hpp"

namespace livedash::reactions {

//! One stream path an SSE reaction sends to, with its own `id:` sequence.
struct SseOutlet {
  std::string channel;  //!< the stream's path
  core::FrameSink* sink = nullptr;
  //! The last sequence a previous run published on this path, if any.
  uint64_t first_sequence = 0;
  //! Told each sequence before its frame is published (optional).
  std::function<void(uint64_t)> persist;
};

//! Where one kind of change of one query goes, and how it is written.
struct SseRoute {
  std::string template_text;  //!< empty: the reaction's default template, else the row as JSON
  size_t outlet = 0;          //!< index into the reaction's outlets
};

struct SseQueryRoutes {
  std::optional<SseRoute> added;
  std::optional<SseRoute> updated;
  std::optional<SseRoute> deleted;
};

//! Turns diffs into SSE events: `id: <sequence of the path>` then `data:`, with no `event:`
//! field so that EventSource.onmessage fires. A query without a route (and a reaction without a
//! default template) sends its whole diff as one message on the reaction's own path, one
//! multiplexed stream for all of its queries. A routed query sends one message per changed row,
//! its template rendered (aggregation updates included), on the route's path. Each frame is
//! built once and shared by every client of its path.
class SseReaction final : public Reaction {
 public:
  //! outlets[0] is the reaction's own path (`sse_path`); routes name the others by index.
  SseReaction(std::string id, std::vector<std::string> queries, std::vector<SseOutlet> outlets,
              std::map<std::string, SseQueryRoutes> routes = {}, std::string default_template = {});
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& queries() const override { return queries_; }
  void onDiff(const engine::QueryDiff& diff, const std::string& diff_json) override;
  //! The last sequence published on the reaction's own path.
  uint64_t sequence() const { return outlets_[0]->sequence.load(); }

 private:
  struct Outlet {
    SseOutlet config;
    std::atomic<uint64_t> sequence{0};
    uint32_t parts = 0;  //!< frames the current diff made here
  };

  void publishRow(const engine::QueryDiff& diff, const std::optional<SseRoute>& route,
                  core::Map context);
  void publish(Outlet& outlet, const engine::QueryDiff& diff, std::string_view data);

  std::string id_;
  std::vector<std::string> queries_;
  std::vector<std::unique_ptr<Outlet>> outlets_;
  std::map<std::string, SseQueryRoutes> routes_;
  std::string default_template_;
};

}  // namespace livedash::reactions
