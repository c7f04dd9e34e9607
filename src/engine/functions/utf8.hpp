// src/engine/functions/utf8.hpp
//
// Character positions in UTF-8 text, for the text functions: a character is a code point, and
// its start is any byte that does not continue another one. Text is taken as it is (a source
// that sends invalid UTF-8 gets answers for its lead bytes).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace livedash::engine {

inline bool isUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

//! Number of characters in `s`.
inline int64_t utf8Length(std::string_view s) {
  return static_cast<int64_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !isUtf8Continuation(c); }));
}

//! Byte offset where character `n` starts, or the size of `s` when it has `n` characters or
//! fewer.
inline size_t utf8Offset(std::string_view s, int64_t n) {
  size_t pos = 0;
  for (; pos < s.size(); ++pos) {
    if (!isUtf8Continuation(s[pos]) && n-- == 0)
      return pos;
  }
  return s.size();
}

}  // namespace livedash::engine
