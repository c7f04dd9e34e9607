// src/config/dashboard_config.hpp
//
// `dashboards:` is our own section: pages of widgets, each showing one query's live result.
#pragma once

#include <string>
#include <vector>

#include "config/config_enums.hpp"
#include "config/config_location.hpp"
#include "core/value.hpp"

namespace livedash::config {

struct WidgetConfig {
  WidgetType type = WidgetType::Table;
  std::string title;
  std::string query;  //!< id of the query it shows
  //! Widget-specific settings (columns, value field, thresholds, …), passed to the page as JSON.
  core::Map options;
  ConfigLocation location;
};

struct DashboardConfig {
  std::string id;
  std::string title;
  std::vector<WidgetConfig> widgets;
  ConfigLocation location;
};

}  // namespace livedash::config
