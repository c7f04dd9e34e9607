// src/app/metrics.hpp
//
// GET /metrics in Prometheus' text format (prometheus-cpp's registry and serializer). The values
// are read when scraped, from the counters and statuses the parts already keep, so nothing on
// the data path pays for metrics it does not update itself.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/engine_thread.hpp"
#include "core/clock.hpp"
#include "server/http_server.hpp"
#include "sources/source.hpp"

namespace prometheus {
class Registry;
}

namespace livedash::app {

struct MetricsInputs {
  const EngineThread& engine;
  const std::map<std::string, sources::Source*>& sources;
  //! SSE streams by reaction id.
  std::map<std::string, server::SseStreamSharedPtr> streams;
  const core::Clock& clock;
};

class Metrics {
 public:
  explicit Metrics(MetricsInputs inputs);
  ~Metrics();
  //! The exposition text. Thread-safe.
  std::string render();

 private:
  struct Families;
  MetricsInputs in_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::mutex mutex_;
};

}  // namespace livedash::app
