// tests/integration/cluster/sse_client.hpp
//
// SSE clients as the page is one: a view per query built from a snapshot and the stream's diffs,
// the ids seen and the must-refetch messages got. On a stream of one query each id must be the
// previous + 1; on a stream of several, each id lists every query's sequence and must never claim
// more than the client holds (a resume from it would skip diffs). Header-only; shared by the
// in-process and the multi-process scale-out tests.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "server/sse_resume_point.hpp"
#include "unit/app/ws_client_view.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::testing {

//! Opens `target` as an SSE stream and reads the response head.
inline std::unique_ptr<server::test::TestClient> openSse(uint16_t port, const std::string& target,
                                                         const std::string& extra_headers = {}) {
  auto c = std::make_unique<server::test::TestClient>(port);
  c->send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n" +
          extra_headers + "\r\n");
  EXPECT_EQ(c->readHead().status, 200) << target;
  return c;
}

//! The next event that carries a diff; nullopt after counting a `must-refetch` in `must_refetch`.
inline std::optional<server::test::SseEvent> nextDiffEvent(server::test::TestClient& c,
                                                           int& must_refetch) {
  for (;;) {
    server::test::SseEvent e = c.nextEvent();
    if (e.data.rfind(R"({"type":"must-refetch")", 0) == 0) {
      ++must_refetch;
      return std::nullopt;
    }
    if (!e.data.empty()) {
      return e;
    }
  }
}

//! An SSE client of one query: its view, and the event ids it has seen.
struct SseClient {
  app::test::ClientView view;
  uint64_t last_id = 0;
  int bad_ids = 0;  //!< an id that is not the previous + 1: a gap or a duplicate
  int must_refetch = 0;

  std::unique_ptr<server::test::TestClient> open(uint16_t port, const std::string& target,
                                                 const std::string& extra_headers = {}) {
    return openSse(port, target, extra_headers);
  }

  //! Reads events until the view reaches `sequence`.
  void readUntil(server::test::TestClient& c, uint64_t sequence) {
    while (view.sequence < sequence && must_refetch == 0) {
      std::optional<server::test::SseEvent> e = nextDiffEvent(c, must_refetch);
      if (!e) {
        continue;
      }
      const uint64_t id = std::stoull(e->id);
      bad_ids += last_id != 0 && id != last_id + 1 ? 1 : 0;
      last_id = id;
      view.applyDiff(core::parseJson(e->data));
    }
  }

  //! Comes back to `port`'s `/events` with the last id seen and reads to `end`: no
  //! `must-refetch`, no gap, no duplicate.
  void expectResumeTo(uint16_t port, uint64_t end) {
    auto stream = open(port, "/events", "Last-Event-ID: " + std::to_string(last_id) + "\r\n");
    readUntil(*stream, end);
    EXPECT_EQ(must_refetch, 0);
    EXPECT_EQ(bad_ids, 0) << "a gap or a duplicate across the resume";
    EXPECT_FALSE(view.gap);
    EXPECT_EQ(view.sequence, end);
  }
};

//! An SSE client of a stream of several queries: a view per query, and the last event id.
struct MultiSseClient {
  std::map<std::string, app::test::ClientView> views;
  std::string last_id;
  int duplicates = 0;      //!< a diff at or below its query's sequence
  int overstated_ids = 0;  //!< an id that lists a query past what the client holds
  int must_refetch = 0;

  bool reached(const std::map<std::string, uint64_t>& targets) const {
    for (const auto& [query, sequence] : targets) {
      if (views.at(query).sequence < sequence) {
        return false;
      }
    }
    return true;
  }

  //! Reads events until every query's view reaches its target.
  void readUntil(server::test::TestClient& c, const std::map<std::string, uint64_t>& targets) {
    while (!reached(targets) && must_refetch == 0) {
      std::optional<server::test::SseEvent> e = nextDiffEvent(c, must_refetch);
      if (!e) {
        continue;
      }
      const core::Value diff = core::parseJson(e->data);
      app::test::ClientView& view = views.at(diff.asMap().at("queryId").asString());
      if (static_cast<uint64_t>(diff.asMap().at("sequence").asInteger()) <= view.sequence) {
        ++duplicates;
      } else {
        view.applyDiff(diff);
      }
      last_id = e->id;
      for (const server::QueryPosition& p :
           server::parseSinceList(e->id).value_or(std::vector<server::QueryPosition>{})) {
        overstated_ids += p.sequence > views.at(p.query).sequence ? 1 : 0;
      }
    }
  }
};

}  // namespace livedash::testing
