// src/app/source_factory.hpp
//
// Config to sources: the one place that maps a `sources:` entry of kind postgres onto the
// replication or notify source's options.
#pragma once

#include "config/source_config.hpp"
#include "core/clock.hpp"
#include "sources/source.hpp"

namespace livedash::app {

//! A PostgreSQL source (replication or notify mode, by `mode`) for `config`, not started.
sources::SourcePtr makePostgresSource(const config::SourceConfig& config, const core::Clock& clock);

}  // namespace livedash::app
