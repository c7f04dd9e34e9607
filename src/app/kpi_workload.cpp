// src/app/kpi_workload.cpp
//
// One reading of one KPI per write, each KPI a bounded random walk around its usual value, so
// averages per minute, hour and day move slowly as real KPIs do. Now and then readings older
// than two days are deleted.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "app/demo_workloads.hpp"

namespace livedash::app {

namespace {

struct Kpi {
  const char* code;
  double usual;
  double step;  //!< largest move between two readings
  double low;
  double high;
};

constexpr std::array<Kpi, 5> kKpis = {{
    {"perfect_order_rate", 94.5, 0.3, 85, 100},
    {"on_time_delivery", 97.0, 0.2, 90, 100},
    {"order_cycle_hours", 26.0, 0.8, 12, 48},
    {"fill_rate", 98.5, 0.1, 95, 100},
    {"inventory_turnover", 8.2, 0.05, 6, 10},
}};

}  // namespace

DemoWorkload kpiWorkload() {
  std::array<double, kKpis.size()> current;
  for (size_t i = 0; i < kKpis.size(); ++i)
    current[i] = kKpis[i].usual;
  return [current](std::mt19937& rng) mutable {
    if (rng() % 1000 == 0) {
      return std::string(
          "DELETE FROM kpi_raw_data WHERE timestamp < strftime('%Y-%m-%d %H:%M:%S', 'now', "
          "'-2 days')");
    }
    size_t i = rng() % kKpis.size();
    const Kpi& kpi = kKpis[i];
    double move = std::uniform_real_distribution<double>(-kpi.step, kpi.step)(rng);
    // A pull back to the usual value keeps the walk from drifting to a bound and staying there.
    current[i] = std::clamp(current[i] + move + (kpi.usual - current[i]) * 0.05, kpi.low, kpi.high);
    return fmt::format("INSERT INTO kpi_raw_data (kpi_code, value) VALUES ('{}', {:.3f})", kpi.code,
                       current[i]);
  };
}

}  // namespace livedash::app
