// src/sources/source.cpp
#include "sources/source.hpp"

namespace livedash::sources {

const char* sourceStateName(SourceState state) {
  switch (state) {
    case SourceState::Stopped:
      return "stopped";
    case SourceState::Connecting:
      return "connecting";
    case SourceState::Bootstrapping:
      return "bootstrapping";
    case SourceState::Streaming:
      return "streaming";
    case SourceState::Reconnecting:
      return "reconnecting";
    case SourceState::Failed:
      return "failed";
  }
  return "unknown";
}

}  // namespace livedash::sources
