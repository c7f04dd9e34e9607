// src/server/request_target.cpp
#include "server/request_target.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace livedash::server {

bool parseRequestTarget(std::string_view target, std::string& path,
                        std::map<std::string, std::string>& query) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return false;
  }
  const boost::urls::url_view& url = *parsed;
  path = url.path();
  if (path.empty()) {
    path = "/";
  }
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& param : url.params(opts)) {
    query.emplace(param.key, param.value);
  }
  return true;
}

}  // namespace livedash::server
