// src/config/dashboard_fields.cpp
//
// The keys of `dashboards:` entries and their widgets.
#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

void readValue(Reader& r, const YAML::Node& node, const std::string& path, WidgetConfig& out) {
  out.location = r.locationOf(node, path);
  readFields(
      r, node, path,
      {field(r, "type", out.type, FieldRule::Required), field(r, "title", out.title),
       bindReference(r, "query", Section::Query, out.query), field(r, "options", out.options)});
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, DashboardConfig& out) {
  out.location = r.locationOf(node, path);
  readFields(r, node, path,
             {bindId(r, Section::Dashboard, out.id), field(r, "title", out.title),
              field(r, "widgets", out.widgets)});
}

}  // namespace livedash::config
