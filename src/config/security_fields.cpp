// src/config/security_fields.cpp
//
// The keys of `auth:`, `cors_origins:` and `limits:`. Token values are checked (present, not
// empty, not repeated) but never quoted back in a message.
#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

namespace {

// `scheme://host[:port]`, as browsers send in `Origin`: no path, query or user info.
bool isOrigin(std::string_view origin) {
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return false;
  }
  std::string_view authority = origin.substr(scheme_end + 3);
  if (authority.ends_with('/')) {
    authority.remove_suffix(1);
  }
  return !authority.empty() && authority.find_first_of("/?#@ ") == std::string_view::npos;
}

void checkAtLeast(Reader& r, const YAML::Node& map, const std::string& path, std::string_view name,
                  uint32_t value, uint32_t minimum) {
  if (value >= minimum) {
    return;
  }
  YAML::Node at = findField(map, name);
  r.error(at.IsDefined() ? at : map, childPath(path, name),
          fmt::format("{} must be at least {}", name, minimum));
}

// The secret: a string that must not come out empty (`token:` alone, or `${VAR:-}` with VAR
// unset), which would otherwise be an error nobody sees until every request fails.
FieldBinding tokenValueField(Reader& r, std::string& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    const size_t errors_before = r.errorCount();
    readValue(r, value, path, target);
    if (r.errorCount() == errors_before && target.empty()) {
      r.error(value, path, "the token is empty",
              "set it, or the environment variable it names, to a long random string");
    }
  };
  return FieldBinding{"token", FieldRule::Required, std::move(read)};
}

}  // namespace

void readValue(Reader& r, const YAML::Node& node, const std::string& path, TokenConfig& out) {
  out.location = r.locationOf(node, path);
  readFields(r, node, path,
             {field(r, "name", out.name), tokenValueField(r, out.token), field(r, "role", out.role),
              bindReferences(r, "queries", Section::Query, out.queries, FieldRule::Optional)});
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, AuthConfig& out) {
  if (!node.IsMap()) {
    r.wrongType(node, path, "a mapping");
    return;
  }
  readFields(r, node, path,
             {field(r, "tokens", out.tokens), field(r, "public_metrics", out.public_metrics)});
  const YAML::Node list = findField(node, "tokens");
  // A repeated value would have two roles; say which entry repeats it, not what it is.
  for (size_t i = 0; i < out.tokens.size(); ++i) {
    TokenConfig& token = out.tokens[i];
    const std::string item = itemPath(childPath(path, "tokens"), i);
    if (token.name.empty()) {
      token.name = item;
    }
    for (size_t j = 0; j < i; ++j) {
      if (!token.token.empty() && token.token == out.tokens[j].token) {
        r.error(
            findField(list[i], "token"), childPath(item, "token"),
            fmt::format("token `{}` has the same value as `{}`", token.name, out.tokens[j].name),
            "give each client its own token");
        break;
      }
    }
  }
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, LimitsConfig& out) {
  readFields(r, node, path,
             {field(r, "max_body_bytes", out.max_body_bytes),
              field(r, "max_header_bytes", out.max_header_bytes),
              field(r, "idle_timeout_seconds", out.idle_timeout_seconds),
              field(r, "max_connections_per_ip", out.max_connections_per_ip)});
  if (!node.IsMap()) {
    return;
  }
  checkAtLeast(r, node, path, "max_body_bytes", out.max_body_bytes, 1);
  checkAtLeast(r, node, path, "max_header_bytes", out.max_header_bytes, 1024);
  checkAtLeast(r, node, path, "idle_timeout_seconds", out.idle_timeout_seconds, 1);
}

FieldBinding originsField(Reader& r, std::string_view name, std::vector<std::string>& target) {
  auto read = [&r, &target](const YAML::Node& value, const std::string& path) {
    std::vector<std::string> origins;
    if (value.IsScalar()) {
      origins.push_back(r.interpolatedScalar(value, path));
    } else {
      readValue(r, value, path, origins);
      if (!value.IsSequence()) {
        return;
      }
    }
    bool ok = true;
    for (size_t i = 0; i < origins.size(); ++i) {
      if (origins[i] != "*" && !isOrigin(origins[i])) {
        const YAML::Node at = value.IsSequence() ? value[i] : value;
        r.error(at, value.IsSequence() ? itemPath(path, i) : path,
                fmt::format("`{}` is not an origin", origins[i]),
                "write `*` or scheme://host[:port], such as https://dash.example.com");
        ok = false;
      }
    }
    if (ok) {
      target = std::move(origins);
    }
  };
  return FieldBinding{name, FieldRule::Optional, std::move(read)};
}

}  // namespace livedash::config
