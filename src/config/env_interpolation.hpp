// src/config/env_interpolation.hpp
//
// `${VAR}` and `${VAR:-default}` in config strings, as drasi-server does. As in the shell, the
// default is used when VAR is unset or empty. A `$` not followed by `{` is left alone.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedash::config {

//! Looks a variable up; injected so tests need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

EnvLookup processEnvironment();

struct InterpolationProblem {
  std::string message;
  std::string hint;
};

struct Interpolation {
  std::string text;
  std::vector<InterpolationProblem> problems;  //!< unset variables, malformed references
};

Interpolation interpolateEnv(std::string_view text, const EnvLookup& env);

}  // namespace livedash::config
