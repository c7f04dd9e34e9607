// src/reactions/log/template_renderer.cpp
#include "reactions/log/template_renderer.hpp"

#include "core/json.hpp"

namespace livedash::reactions {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

core::Value lookup(std::string_view path, const core::Map& context) {
  core::Value current(context);
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    if (!current.isMap())
      return core::Value();
    auto it = current.asMap().find(key);
    if (it == current.asMap().end())
      return core::Value();
    current = it->second;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return current;
}

std::string plainText(const core::Value& v) {
  if (v.isNull())
    return "";
  if (v.isString())
    return v.asString();
  return core::toJson(v);
}

}  // namespace

std::string renderTemplate(std::string_view text, const core::Map& context) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    std::string_view expr = trim(text.substr(open + 2, close - open - 2));
    if (expr.substr(0, 5) == "json ") {
      out.append(core::toJson(lookup(trim(expr.substr(5)), context)));
    } else {
      out.append(plainText(lookup(expr, context)));
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace livedash::reactions
