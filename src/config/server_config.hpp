// src/config/server_config.hpp
//
// The whole config file as plain data. Every key is accepted in the seed's snake_case and in
// current drasi-server's camelCase; see config_loader.hpp for how a file becomes one of these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/cluster_config.hpp"
#include "config/config_enums.hpp"
#include "config/dashboard_config.hpp"
#include "config/query_config.hpp"
#include "config/reaction_config.hpp"
#include "config/security_config.hpp"
#include "config/source_config.hpp"
#include "core/diagnostic.hpp"

namespace livedash::config {

struct ServerConfig {
  std::string file;  //!< the name the config was loaded under
  std::string id;
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  //!< 0 picks a free port
  LogLevel log_level = LogLevel::Info;
  //! `json`: one JSON object per log line (ts, level, logger, msg).
  LogFormat log_format = LogFormat::Text;
  AuthConfig auth;
  //! Browser origins allowed by CORS on the main port; `*` allows any, empty allows none.
  std::vector<std::string> cors_origins = {"*"};
  LimitsConfig limits;
  std::vector<SourceConfig> sources;
  std::vector<QueryConfig> queries;
  std::vector<ReactionConfig> reactions;
  std::vector<DashboardConfig> dashboards;
  //! Where livedash keeps what must survive a restart (the last sequence of each query and
  //! reaction, so a restarted process never repeats one). Empty: nothing is kept.
  std::string state_dir;
  //! JetStream scale-out (`livedash run --role engine|edge`); unused by `--role all`.
  ClusterConfig cluster;
  //! Keys that were accepted but have no effect (drasi-server settings livedash does not use).
  std::vector<core::Diagnostic> warnings;
};

}  // namespace livedash::config
