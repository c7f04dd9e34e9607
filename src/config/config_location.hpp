// src/config/config_location.hpp
//
// Where a config item was written. Items keep it so that problems found after load (a query that
// does not parse, a source that cannot connect) can still point at the file, key path and line.
#pragma once

#include <string>

#include "core/diagnostic.hpp"

namespace livedash::config {

struct ConfigLocation {
  std::string file;      //!< as given to the loader; empty for items created at run time
  std::string key_path;  //!< such as `queries[1]`
  core::LineColumn position;
};

}  // namespace livedash::config
