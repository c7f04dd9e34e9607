// src/app/demo_workloads.hpp
//
// The examples `livedash demo` can run, and the simulated writes that bring each one to life.
// A workload is a function that returns the SQL of one simulated write; DemoTraffic runs it at
// the chosen rate against the example's embedded store.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace livedash::app {

using DemoWorkload = std::function<std::string(std::mt19937& rng)>;

//! Orders moving through the fulfilment pipeline, with payments that settle or fail (seed 000).
DemoWorkload orderWorkload();
//! Product analytics events from a few organisations and a few hundred users (seed 001).
DemoWorkload analyticsWorkload();
//! Readings of five business KPIs, each a random walk around its usual value (seed 003).
DemoWorkload kpiWorkload();

struct DemoExample {
  std::string_view name;       //!< as given to `livedash demo NAME`
  std::string_view folder;     //!< under examples/, with livedash.yaml and schema.sql
  std::string_view source_id;  //!< the embedded source the workload writes to
  double default_rate;         //!< simulated writes per second
  DemoWorkload (*workload)();
};

const std::vector<DemoExample>& demoExamples();
//! The example called `name`, or null.
const DemoExample* findDemoExample(std::string_view name);

}  // namespace livedash::app
