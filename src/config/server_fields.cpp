// src/config/server_fields.cpp
//
// The top-level keys, including drasi-server settings that are accepted so its configs load.
#include <array>

#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {
namespace {

// Storage, plugin and UI settings of drasi-server: livedash keeps indexes in memory, links its
// sources and reactions in, and always serves its page.
constexpr std::array<std::string_view, 11> kDrasiServerKeys = {"api_version",
                                                               "persist_config",
                                                               "persist_index",
                                                               "state_store",
                                                               "default_priority_queue_capacity",
                                                               "default_dispatch_buffer_capacity",
                                                               "plugin_registry",
                                                               "verify_plugins",
                                                               "auto_install_plugins",
                                                               "plugins",
                                                               "enable_ui"};

}  // namespace

void readServerConfig(Reader& r, const YAML::Node& root, ServerConfig& out) {
  if (!root.IsDefined() || root.IsNull()) {
    r.error(root, "", "the config is empty", "a config lists at least `sources` and `queries`");
    return;
  }
  FieldTable fields = {
      field(r, "id", out.id),
      field(r, "host", out.host),
      field(r, "port", out.port),
      field(r, "log_level", out.log_level),
      field(r, "log_format", out.log_format),
      field(r, "auth", out.auth),
      originsField(r, "cors_origins", out.cors_origins),
      field(r, "limits", out.limits),
      field(r, "sources", out.sources),
      field(r, "queries", out.queries),
      field(r, "reactions", out.reactions),
      field(r, "dashboards", out.dashboards),
      field(r, "state_dir", out.state_dir),
      field(r, "cluster", out.cluster),
      unsupported("instances",
                  "livedash runs one instance; move its sources, queries and reactions to the "
                  "top level"),
  };
  for (std::string_view key : kDrasiServerKeys) {
    fields.push_back(drasiOnly(key));
  }
  readFields(r, root, "", fields);
}

}  // namespace livedash::config
