// src/server/request_target.hpp
//
// Splits an HTTP request target (origin form, `/path?query`) into its percent-decoded path and
// query parameters, with Boost.URL.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace livedash::server {

//! Returns false when the target is not a valid origin-form target. In the query, `+` is a space
//! and the first occurrence of a repeated key wins.
bool parseRequestTarget(std::string_view target, std::string& path,
                        std::map<std::string, std::string>& query);

}  // namespace livedash::server
