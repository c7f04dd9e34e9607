// src/engine/functions/text_functions.cpp
//
// Drasi's text functions. Lengths and positions count characters (code points), never bytes, so
// no function cuts a multi-byte character in two. NULL or a non-string gives NULL; case mapping
// and trimming touch ASCII only.
#include <algorithm>
#include <cctype>

#include "engine/functions/function_registry.hpp"
#include "engine/functions/utf8.hpp"

namespace livedash::engine {

using core::Value;
using Args = std::vector<Value>;

namespace {

Value mapString(const Args& a, int (*f)(int)) {
  if (!a[0].isString())
    return Value();
  std::string s = a[0].asString();
  for (char& c : s)
    c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return Value(std::move(s));
}

Value trimWith(const Args& a, bool left, bool right) {
  if (!a[0].isString())
    return Value();
  const std::string& s = a[0].asString();
  size_t b = 0;
  size_t e = s.size();
  while (left && b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (right && e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return Value(s.substr(b, e - b));
}

// A string character by character from the end (a list element by element).
Value reverseOf(const Args& a, const EvalContext&) {
  if (a[0].isList())
    return Value(core::List(a[0].asList().rbegin(), a[0].asList().rend()));
  if (!a[0].isString())
    return Value();
  const std::string& s = a[0].asString();
  std::string out;
  out.reserve(s.size());
  for (size_t end = s.size(); end > 0;) {
    size_t start = end - 1;
    while (start > 0 && isUtf8Continuation(s[start]))
      --start;
    out.append(s, start, end - start);
    end = start;
  }
  return Value(std::move(out));
}

Value leftOrRight(const Args& a, bool left) {
  if (!a[0].isString() || !a[1].isInteger() || a[1].asInteger() < 0)
    return Value();
  const std::string& s = a[0].asString();
  int64_t n = a[1].asInteger();
  if (left)
    return Value(s.substr(0, utf8Offset(s, n)));
  return Value(s.substr(utf8Offset(s, std::max<int64_t>(0, utf8Length(s) - n))));
}

// substring(s, start[, length]), 0-based, in characters; out-of-range parts are clamped.
Value substringOf(const Args& a, const EvalContext&) {
  if (!a[0].isString() || !a[1].isInteger() || (a.size() > 2 && !a[2].isInteger()))
    return Value();
  const std::string& s = a[0].asString();
  size_t begin = utf8Offset(s, std::max<int64_t>(0, a[1].asInteger()));
  if (a.size() < 3)
    return Value(s.substr(begin));
  std::string_view rest = std::string_view(s).substr(begin);
  return Value(rest.substr(0, utf8Offset(rest, std::max<int64_t>(0, a[2].asInteger()))));
}

Value replaceIn(const Args& a, const EvalContext&) {
  if (!a[0].isString() || !a[1].isString() || !a[2].isString())
    return Value();
  std::string s = a[0].asString();
  const std::string& from = a[1].asString();
  const std::string& to = a[2].asString();
  if (from.empty())
    return Value(s);
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return Value(std::move(s));
}

// An empty separator splits into characters.
Value splitString(const Args& a, const EvalContext&) {
  if (!a[0].isString() || !a[1].isString())
    return Value();
  const std::string& s = a[0].asString();
  const std::string& sep = a[1].asString();
  core::List parts;
  if (sep.empty()) {
    for (size_t start = 0; start < s.size();) {
      size_t end = start + 1;
      while (end < s.size() && isUtf8Continuation(s[end]))
        ++end;
      parts.emplace_back(s.substr(start, end - start));
      start = end;
    }
    return Value(std::move(parts));
  }
  size_t begin = 0;
  for (size_t pos = s.find(sep); pos != std::string::npos; pos = s.find(sep, begin)) {
    parts.emplace_back(s.substr(begin, pos - begin));
    begin = pos + sep.size();
  }
  parts.emplace_back(s.substr(begin));
  return Value(std::move(parts));
}

}  // namespace

const std::vector<ScalarFunction>& textFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"toUpper", 1, 1, "upper-case a string",
       [](const Args& a, const EvalContext&) { return mapString(a, ::toupper); }},
      {"toLower", 1, 1, "lower-case a string",
       [](const Args& a, const EvalContext&) { return mapString(a, ::tolower); }},
      {"trim", 1, 1, "strip white space at both ends",
       [](const Args& a, const EvalContext&) { return trimWith(a, true, true); }},
      {"ltrim", 1, 1, "strip leading white space",
       [](const Args& a, const EvalContext&) { return trimWith(a, true, false); }},
      {"rtrim", 1, 1, "strip trailing white space",
       [](const Args& a, const EvalContext&) { return trimWith(a, false, true); }},
      {"reverse", 1, 1, "reverse a string or a list", reverseOf},
      {"left", 2, 2, "the first n characters",
       [](const Args& a, const EvalContext&) { return leftOrRight(a, true); }},
      {"right", 2, 2, "the last n characters",
       [](const Args& a, const EvalContext&) { return leftOrRight(a, false); }},
      {"replace", 3, 3, "replace every occurrence of a substring", replaceIn},
      {"split", 2, 2, "split a string on a separator (into characters on '')", splitString},
      {"substring", 2, 3, "substring(s, start[, length]), 0-based, in characters", substringOf},
  };
  return kFunctions;
}

}  // namespace livedash::engine
