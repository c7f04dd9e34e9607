// src/app/demo_traffic.cpp
#include "app/demo_traffic.hpp"

#include <spdlog/spdlog.h>

namespace livedash::app {

DemoTraffic::DemoTraffic(sources::EmbeddedSource& store, DemoWorkload workload,
                         double writes_per_second, uint32_t seed)
    : store_(store), workload_(std::move(workload)), rate_(writes_per_second), rng_(seed) {}

DemoTraffic::~DemoTraffic() {
  stop();
}

void DemoTraffic::start() {
  if (rate_ > 0 && !thread_.joinable())
    thread_ = std::thread([this] { run(); });
}

void DemoTraffic::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void DemoTraffic::step() {
  try {
    store_.executeSql(workload_(rng_));
  } catch (const std::exception& e) {
    spdlog::warn("demo traffic: {}", e.what());
  }
}

void DemoTraffic::run() {
  auto interval = std::chrono::duration<double>(1.0 / rate_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    step();
    lock.lock();
  }
}

}  // namespace livedash::app
