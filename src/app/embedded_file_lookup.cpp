// src/app/embedded_file_lookup.cpp
#include "app/embedded_files.hpp"

namespace livedash::app {

std::string_view embeddedFile(std::string_view path) {
  for (const EmbeddedFile& f : embeddedFiles()) {
    if (f.path == path)
      return f.bytes;
  }
  return {};
}

}  // namespace livedash::app
