// src/app/demo_examples.cpp
#include "app/demo_workloads.hpp"

namespace livedash::app {

const std::vector<DemoExample>& demoExamples() {
  static const std::vector<DemoExample> kExamples = {
      {"order-dashboard", "examples/order-dashboard", "shop", 3, orderWorkload},
      {"analytics", "examples/analytics", "tracker", 25, analyticsWorkload},
      {"kpis", "examples/kpis", "metrics", 5, kpiWorkload},
  };
  return kExamples;
}

const DemoExample* findDemoExample(std::string_view name) {
  for (const DemoExample& example : demoExamples()) {
    if (example.name == name)
      return &example;
  }
  return nullptr;
}

}  // namespace livedash::app
