// src/app/demo_traffic.hpp
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "app/demo_workloads.hpp"
#include "sources/embedded/embedded_source.hpp"

namespace livedash::app {

//! Simulated writes for `livedash demo`: runs an example's workload at a steady rate. Every
//! write goes through the embedded store, so it is captured like any other write.
class DemoTraffic {
 public:
  DemoTraffic(sources::EmbeddedSource& store, DemoWorkload workload, double writes_per_second,
              uint32_t seed);
  ~DemoTraffic();
  void start();
  void stop();
  //! One simulated write (public for tests).
  void step();

 private:
  void run();

  sources::EmbeddedSource& store_;
  DemoWorkload workload_;
  double rate_;
  std::mt19937 rng_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace livedash::app
