// tests/integration/cluster/sse_client.hpp
//
// An SSE client of one query as the page is one: a view built from a snapshot and the stream's
// diffs, the ids it has seen (each must be the previous + 1) and the must-refetch messages it got.
// Header-only; shared by the in-process and the multi-process scale-out tests.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "unit/app/ws_client_view.hpp"
#include "unit/server/test_client.hpp"

namespace livedash::testing {

//! An SSE client of one query: its view, and the event ids it has seen.
struct SseClient {
  app::test::ClientView view;
  uint64_t last_id = 0;
  int bad_ids = 0;  //!< an id that is not the previous + 1: a gap or a duplicate
  int must_refetch = 0;

  std::unique_ptr<server::test::TestClient> open(uint16_t port, const std::string& target,
                                                 const std::string& extra_headers = {}) {
    auto c = std::make_unique<server::test::TestClient>(port);
    c->send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n" +
            extra_headers + "\r\n");
    EXPECT_EQ(c->readHead().status, 200) << target;
    return c;
  }

  //! Reads events until the view reaches `sequence`.
  void readUntil(server::test::TestClient& c, uint64_t sequence) {
    while (view.sequence < sequence && must_refetch == 0) {
      server::test::SseEvent e = c.nextEvent();
      if (e.data.empty()) {
        continue;
      }
      if (e.data.rfind(R"({"type":"must-refetch")", 0) == 0) {
        ++must_refetch;
        continue;
      }
      const uint64_t id = std::stoull(e.id);
      bad_ids += last_id != 0 && id != last_id + 1 ? 1 : 0;
      last_id = id;
      view.applyDiff(core::parseJson(e.data));
    }
  }
};

}  // namespace livedash::testing
