// src/config/reaction_fields.cpp
//
// The keys of `reactions:` entries: common ones, then those of the entry's kind.
#include <algorithm>
#include <filesystem>

#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

FieldTable fieldsOf(Reader& r, LogAction& out) {
  return {field(r, "template", out.template_text, FieldRule::Required)};
}

namespace {

// Drasi lets a route's path be a template, a stream per rendered path made on first use. Here
// every path is a stream registered before the server listens, so it must be fixed text.
FieldBinding routePathField(Reader& r, std::string& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    std::string route_path;
    readValue(r, value, path, route_path);
    if (route_path.find("{{") != std::string::npos) {
      r.error(value, path, fmt::format("templated route paths are not supported: `{}`", route_path),
              "use a fixed path and let clients pick queries with `?queries=`");
      return;
    }
    if (route_path.find_first_of("?# ") != std::string::npos) {
      r.error(value, path, fmt::format("route path `{}` must be a plain path", route_path));
      return;
    }
    target = route_path;
  };
  return FieldBinding{"path", FieldRule::Optional, std::move(read)};
}

}  // namespace

FieldTable fieldsOf(Reader& r, SseAction& out) {
  return {field(r, "template", out.template_text), routePathField(r, out.path)};
}

FieldTable fieldsOf(Reader& r, HttpAction& out) {
  return {field(r, "url", out.url, FieldRule::Required), field(r, "method", out.method),
          field(r, "body", out.body), field(r, "headers", out.headers)};
}

template <class Action>
FieldTable fieldsOf(Reader& r, ChangeRoutes<Action>& out) {
  return {field(r, "added", out.added), field(r, "updated", out.updated),
          field(r, "deleted", out.deleted)};
}

namespace {

FieldBinding ssePathField(Reader& r, std::string& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    std::string sse_path = target;
    readValue(r, value, path, sse_path);
    if (!sse_path.starts_with('/')) {
      r.error(value, path, fmt::format("sse_path `{}` must start with `/`", sse_path));
      return;
    }
    target = sse_path;
  };
  return FieldBinding{"sse_path", FieldRule::Optional, std::move(read)};
}

FieldTable sseFields(Reader& r, SseReactionConfig& out) {
  return {field(r, "host", out.host),
          field(r, "port", out.port),
          ssePathField(r, out.sse_path),
          field(r, "heartbeat_interval_ms", out.heartbeat_interval_ms),
          field(r, "replay_messages", out.replay_messages),
          field(r, "replay_bytes", out.replay_bytes),
          field(r, "max_queued_messages", out.max_queued_messages),
          field(r, "routes", out.routes),
          field(r, "default_template", out.default_template),
          field(r, "token", out.token),
          originsField(r, "cors_origins", out.cors_origins)};
}

FieldTable logFields(Reader& r, LogReactionConfig& out) {
  return {field(r, "routes", out.routes), field(r, "default_template", out.default_template)};
}

FieldBinding httpUrlField(Reader& r, std::string_view name, std::string& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    std::string url;
    readValue(r, value, path, url);
    if (!value.IsScalar()) {
      return;  // readValue said what is wrong
    }
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      r.error(value, path, fmt::format("`{}` is not an http:// or https:// URL", url));
      return;
    }
    target = url;
  };
  return FieldBinding{name, FieldRule::Optional, std::move(read)};
}

// Checked now, so that a typo is a located error at load rather than failed deliveries later.
FieldBinding caFileField(Reader& r, std::string& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    std::string file;
    readValue(r, value, path, file);
    if (file.empty()) {
      return;
    }
    file = r.resolveFile(file);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      r.error(value, path, fmt::format("CA file `{}` does not exist", file),
              "relative paths are resolved against the config file's directory");
      return;
    }
    target = file;
  };
  return FieldBinding{"ca_file", FieldRule::Optional, std::move(read)};
}

// Counts where zero would mean "never send": at least 1.
FieldBinding atLeastOneField(Reader& r, std::string_view name, uint32_t& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    uint32_t n = target;
    readValue(r, value, path, n);
    if (n == 0) {
      r.error(value, path, "must be at least 1");
      return;
    }
    target = n;
  };
  return FieldBinding{name, FieldRule::Optional, std::move(read)};
}

FieldTable httpFields(Reader& r, HttpReactionConfig& out) {
  return {httpUrlField(r, "base_url", out.base_url),
          field(r, "timeout_ms", out.timeout_ms),
          field(r, "token", out.token),
          field(r, "headers", out.headers),
          caFileField(r, out.ca_file),
          field(r, "routes", out.routes),
          atLeastOneField(r, "max_attempts", out.max_attempts),
          field(r, "retry_initial_ms", out.retry_initial_ms),
          field(r, "retry_max_ms", out.retry_max_ms),
          atLeastOneField(r, "queue_capacity", out.queue_capacity)};
}

std::string_view ownerOf(ReactionKind kind) {
  switch (kind) {
    case ReactionKind::Sse:
      return "sse reactions";
    case ReactionKind::Log:
      return "log reactions";
    case ReactionKind::Http:
      return "http reactions";
  }
  return "other reactions";
}

// What the bindings of the kinds not chosen point at; they are never read.
struct UnusedKinds {
  SseReactionConfig sse;
  LogReactionConfig log;
  HttpReactionConfig http;
};

// The chosen kind's keys, then the other kinds' keys so that using one gets a precise message.
FieldTable kindFields(Reader& r, ReactionKind kind, ReactionConfig& out, UnusedKinds& unused) {
  FieldTable sse = sseFields(
      r, kind == ReactionKind::Sse ? out.settings.emplace<SseReactionConfig>() : unused.sse);
  FieldTable log = logFields(
      r, kind == ReactionKind::Log ? out.settings.emplace<LogReactionConfig>() : unused.log);
  FieldTable http = httpFields(
      r, kind == ReactionKind::Http ? out.settings.emplace<HttpReactionConfig>() : unused.http);
  std::pair<ReactionKind, FieldTable*> tables[] = {
      {ReactionKind::Sse, &sse}, {ReactionKind::Log, &log}, {ReactionKind::Http, &http}};
  FieldTable fields;
  for (auto& [table_kind, table] : tables) {
    if (table_kind == kind) {
      fields.insert(fields.begin(), table->begin(), table->end());
    } else {
      FieldTable others = ofOtherKind(std::move(*table), ownerOf(table_kind));
      fields.insert(fields.end(), others.begin(), others.end());
    }
  }
  return fields;
}

// A route for a query the reaction does not subscribe to never fires; likely a typo.
void checkRouteKeys(Reader& r, const YAML::Node& node, const std::string& path,
                    const std::vector<std::string>& queries) {
  YAML::Node routes = findField(node, "routes");
  if (!routes.IsMap()) {
    return;
  }
  for (auto it = routes.begin(); it != routes.end(); ++it) {
    const std::string& query_id = it->first.Scalar();
    if (std::find(queries.begin(), queries.end(), query_id) != queries.end()) {
      continue;
    }
    std::string near = core::closestMatch(query_id, queries);
    r.warning(
        it->first, childPath(childPath(path, "routes"), query_id),
        fmt::format("route `{}` is for a query this reaction does not subscribe to", query_id),
        near.empty() ? "add it to `queries`" : fmt::format("did you mean `{}`?", near));
  }
}

}  // namespace

void readValue(Reader& r, const YAML::Node& node, const std::string& path, ReactionConfig& out) {
  out.location = r.locationOf(node, path);
  FieldTable fields = {
      field(r, "kind", out.kind, FieldRule::Required), bindId(r, Section::Reaction, out.id),
      bindReferences(r, "queries", Section::Query, out.queries),
      field(r, "auto_start", out.auto_start), drasiOnly("priority_queue_capacity")};
  std::optional<ReactionKind> kind = peekEnum<ReactionKind>(r, node, "kind");
  UnusedKinds unused;
  if (kind) {
    FieldTable kind_fields = kindFields(r, *kind, out, unused);
    fields.insert(fields.end(), kind_fields.begin(), kind_fields.end());
  }
  // Without a known kind the other keys cannot be judged; the error about `kind` says enough.
  readFields(r, node, path, fields, kind ? UnknownKeys::Reject : UnknownKeys::Skip);
  checkRouteKeys(r, node, path, out.queries);
}

}  // namespace livedash::config
