// src/reactions/jetstream/startup_retry.hpp
//
// A JetStream cluster that has just started elects its meta leader a moment later, and the
// servers of a deployment may come up after livedash: engine and edge nodes keep trying their
// first connection for a while, with backoff, before they give up.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/backoff.hpp"
#include "core/error.hpp"

namespace livedash::reactions {

//! How long start-up waits for JetStream before giving up.
inline constexpr int64_t kJetStreamStartupWaitMs = 30'000;

//! Calls `attempt` until it returns without a core::Error, rethrowing the last one once
//! kJetStreamStartupWaitMs has passed.
template <class Attempt>
void retryJetStreamStartup(Attempt&& attempt) {
  core::Backoff backoff(200, 2000);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kJetStreamStartupWaitMs);
  for (;;) {
    try {
      attempt();
      return;
    } catch (const core::Error& e) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw;
      }
      spdlog::warn("{}; retrying", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff.nextDelayMs()));
    }
  }
}

}  // namespace livedash::reactions
