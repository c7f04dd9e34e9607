// src/config/env_interpolation.cpp
#include "config/env_interpolation.hpp"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace livedash::config {
namespace {

bool isVariableName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

// Expands the body of one `${...}` reference into `out`.
void expandReference(std::string_view body, const EnvLookup& env, Interpolation& result) {
  size_t separator = body.find(":-");
  std::string_view name = body.substr(0, separator);
  if (!isVariableName(name)) {
    result.problems.push_back({fmt::format("`${{{}}}` is not a valid variable reference", body),
                               "write `${NAME}` or `${NAME:-default}`"});
    return;
  }
  std::optional<std::string> value = env(name);
  if (separator != std::string_view::npos && (!value || value->empty())) {
    result.text += body.substr(separator + 2);
    return;
  }
  if (!value) {
    result.problems.push_back(
        {fmt::format("environment variable `{}` is not set", name),
         fmt::format("set it, or give a default with `${{{}:-default}}`", name)});
    return;
  }
  result.text += *value;
}

}  // namespace

EnvLookup processEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Interpolation interpolateEnv(std::string_view text, const EnvLookup& env) {
  Interpolation result;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("${", pos);
    if (start == std::string_view::npos) {
      result.text += text.substr(pos);
      break;
    }
    result.text += text.substr(pos, start - pos);
    size_t end = text.find('}', start + 2);
    if (end == std::string_view::npos) {
      result.problems.push_back({"unterminated `${`", "close the reference with `}`"});
      result.text += text.substr(start);
      break;
    }
    expandReference(text.substr(start + 2, end - start - 2), env, result);
    pos = end + 1;
  }
  return result;
}

}  // namespace livedash::config
