// src/query/token.hpp
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace livedash::query {

enum class TokenKind {
  End,
  Identifier,  //!< also keywords; the parser matches them case-insensitively
  QuotedIdentifier,
  Integer,
  Float,
  String,
  Parameter,  //!< `$name`; text holds the name
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Dot,
  DotDot,
  Colon,
  Semicolon,
  Pipe,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  RegexMatch,
};

struct Token {
  TokenKind kind = TokenKind::End;
  //! Identifier or parameter name, or decoded string literal; raw text for numbers.
  std::string text;
  core::SourceSpan span;

  //! Case-insensitive keyword test; quoted identifiers are never keywords.
  bool isKeyword(std::string_view keyword) const;
};

const char* tokenKindName(TokenKind kind);

}  // namespace livedash::query
