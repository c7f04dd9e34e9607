// tests/unit/app/ws_client_view.hpp
//
// What a WebSocket or SSE client holds of one query, built the way a page builds it: a snapshot
// (or the rows of GET /results), then every diff applied in sequence. Rows are compared as
// canonical JSON text. Header-only: the test binaries compile only *_test.cpp files.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "core/json.hpp"

namespace livedash::app::test {

inline int64_t integer(const core::Value& message, const char* key) {
  return message.asMap().at(key).asInteger();
}

inline std::string op(const core::Value& message) {
  return message.asMap().at("op").asString();
}

//! What a client holds of one query: the rows of its snapshot with every diff applied since.
struct ClientView {
  uint64_t sequence = 0;
  std::multiset<std::string> rows;
  bool gap = false;

  void reset(const core::Value& data, uint64_t at) {
    rows.clear();
    for (const core::Value& row : data.asList()) {
      rows.insert(core::toJson(row));
    }
    sequence = at;
  }

  void apply(const core::Value& m) {
    const std::string kind = op(m);
    if (kind == "snapshot") {
      reset(m.asMap().at("data"), integer(m, "sequence"));
    } else if (kind == "resumed") {
      gap = gap || static_cast<uint64_t>(integer(m, "since")) != sequence;
    } else if (kind == "diff") {
      applyDiff(m);
    }
  }

  //! A diff in the SSE `data` shape (a WebSocket diff is that plus `op`); it must be the next
  //! in sequence.
  void applyDiff(const core::Value& m) {
    const auto at = static_cast<uint64_t>(integer(m, "sequence"));
    gap = gap || at != sequence + 1;
    sequence = at;
    for (const core::Value& row : m.asMap().at("deleted").asList()) {
      erase(core::toJson(row));
    }
    for (const core::Value& pair : m.asMap().at("updated").asList()) {
      erase(core::toJson(pair.asMap().at("before")));
      rows.insert(core::toJson(pair.asMap().at("after")));
    }
    for (const core::Value& row : m.asMap().at("added").asList()) {
      rows.insert(core::toJson(row));
    }
  }

  void erase(const std::string& row) {
    auto it = rows.find(row);
    if (it == rows.end()) {
      gap = true;  // a diff that does not fit the state it should apply to
    } else {
      rows.erase(it);
    }
  }
};

}  // namespace livedash::app::test
