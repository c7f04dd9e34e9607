// src/app/embedded_files.hpp
//
// Files compiled into the binary at build time: the dashboard page (web/) and the examples, so
// that `livedash demo` runs from the binary alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace livedash::app {

struct EmbeddedFile {
  std::string_view path;  //!< relative to the repository root, such as `web/index.html`
  std::string_view bytes;
};

const std::vector<EmbeddedFile>& embeddedFiles();
//! The file at `path`, or empty when there is none.
std::string_view embeddedFile(std::string_view path);

}  // namespace livedash::app
