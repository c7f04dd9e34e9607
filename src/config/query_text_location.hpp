// src/config/query_text_location.hpp
//
// Internal to the loader: finds where each line of a scalar's parsed text was written in the file,
// so that QueryConfig::fileLocationOf can map text offsets back to file positions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "config/query_config.hpp"

namespace livedash::config {

//! `scalar_offset` is where yaml-cpp marks the scalar: its `|`/`>` indicator, opening quote or
//! first character. Handles literal and folded blocks, and plain and quoted flow scalars.
std::vector<QueryTextSegment> locateScalarText(std::string_view file_text, uint32_t scalar_offset,
                                               std::string_view text);

}  // namespace livedash::config
