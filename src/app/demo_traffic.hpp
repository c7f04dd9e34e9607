// src/app/demo_traffic.hpp
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "sources/embedded/embedded_source.hpp"

namespace livedash::app {

//! Simulated shop traffic for `livedash demo`: creates orders with a pending payment, moves
//! orders through pending → processing → packing → shipped → delivered, settles payments and
//! fails some of them. Every write goes through the embedded store, so it is captured like any
//! other write.
class DemoTraffic {
 public:
  DemoTraffic(sources::EmbeddedSource& store, double changes_per_second, uint32_t seed);
  ~DemoTraffic();
  void start();
  void stop();
  //! One simulated write, chosen at random (public for tests).
  void step();

 private:
  void run();

  sources::EmbeddedSource& store_;
  double rate_;
  std::mt19937 rng_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace livedash::app
