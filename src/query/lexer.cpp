// src/query/lexer.cpp
#include "query/lexer.hpp"

#include <cctype>

#include <fmt/format.h>

namespace livedash::query {

bool Token::isKeyword(std::string_view keyword) const {
  if (kind != TokenKind::Identifier || text.size() != keyword.size()) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) !=
        std::toupper(static_cast<unsigned char>(keyword[i]))) {
      return false;
    }
  }
  return true;
}

const char* tokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::End:
      return "end of query";
    case TokenKind::Identifier:
      return "identifier";
    case TokenKind::QuotedIdentifier:
      return "identifier";
    case TokenKind::Integer:
      return "integer";
    case TokenKind::Float:
      return "float";
    case TokenKind::String:
      return "string";
    case TokenKind::Parameter:
      return "parameter";
    case TokenKind::LParen:
      return "`(`";
    case TokenKind::RParen:
      return "`)`";
    case TokenKind::LBracket:
      return "`[`";
    case TokenKind::RBracket:
      return "`]`";
    case TokenKind::LBrace:
      return "`{`";
    case TokenKind::RBrace:
      return "`}`";
    case TokenKind::Comma:
      return "`,`";
    case TokenKind::Dot:
      return "`.`";
    case TokenKind::DotDot:
      return "`..`";
    case TokenKind::Colon:
      return "`:`";
    case TokenKind::Semicolon:
      return "`;`";
    case TokenKind::Pipe:
      return "`|`";
    case TokenKind::Plus:
      return "`+`";
    case TokenKind::Minus:
      return "`-`";
    case TokenKind::Star:
      return "`*`";
    case TokenKind::Slash:
      return "`/`";
    case TokenKind::Percent:
      return "`%`";
    case TokenKind::Caret:
      return "`^`";
    case TokenKind::Eq:
      return "`=`";
    case TokenKind::Ne:
      return "`<>`";
    case TokenKind::Lt:
      return "`<`";
    case TokenKind::Le:
      return "`<=`";
    case TokenKind::Gt:
      return "`>`";
    case TokenKind::Ge:
      return "`>=`";
    case TokenKind::RegexMatch:
      return "`=~`";
  }
  return "token";
}

namespace {

constexpr size_t kMaxTokens = 10'000;

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      skipSpaceAndComments();
      if (pos_ >= text_.size()) {
        tokens.push_back(Token{TokenKind::End, "", span(pos_, 0)});
        return tokens;
      }
      // The syntax tree has at most about one node per token, and everything after the parser
      // walks it recursively: bounding the tokens bounds those recursions.
      if (tokens.size() >= kMaxTokens) {
        fail(pos_, 1, fmt::format("query is too long: more than {} tokens", kMaxTokens));
      }
      tokens.push_back(next());
    }
  }

 private:
  core::SourceSpan span(size_t start, size_t length) const {
    return core::SourceSpan{static_cast<uint32_t>(start), static_cast<uint32_t>(length)};
  }

  [[noreturn]] void fail(size_t start, size_t length, std::string message) const {
    throw core::Error(core::ErrorCode::QuerySyntax, std::move(message), span(start, length));
  }

  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  void skipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos)
          fail(pos_, 2, "unterminated comment");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  Token make(TokenKind kind, size_t start, std::string text = {}) {
    return Token{kind, std::move(text), span(start, pos_ - start)};
  }

  Token next() {
    size_t start = pos_;
    char c = text_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')
        ++pos_;
      return make(TokenKind::Identifier, start, std::string(text_.substr(start, pos_ - start)));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
      return number(start);
    }
    switch (c) {
      case '\'':
      case '"':
        return stringLiteral(start, c);
      case '`':
        return quotedIdentifier(start);
      case '$':
        return parameter(start);
    }
    return punctuation(start);
  }

  Token number(size_t start) {
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      pos_ += 2;
      while (std::isxdigit(static_cast<unsigned char>(peek())))
        ++pos_;
      return make(TokenKind::Integer, start, std::string(text_.substr(start, pos_ - start)));
    }
    bool is_float = false;
    while (std::isdigit(static_cast<unsigned char>(peek())))
      ++pos_;
    // `1..3` is a range, not the float `1.` followed by `.3`.
    if (peek() == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
      is_float = true;
      ++pos_;
      while (std::isdigit(static_cast<unsigned char>(peek())))
        ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t save = pos_;
      ++pos_;
      if (peek() == '+' || peek() == '-')
        ++pos_;
      if (std::isdigit(static_cast<unsigned char>(peek()))) {
        is_float = true;
        while (std::isdigit(static_cast<unsigned char>(peek())))
          ++pos_;
      } else {
        pos_ = save;
      }
    }
    if (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_') {
      fail(start, pos_ - start + 1, "invalid number literal");
    }
    return make(is_float ? TokenKind::Float : TokenKind::Integer, start,
                std::string(text_.substr(start, pos_ - start)));
  }

  Token stringLiteral(size_t start, char quote) {
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size())
        fail(start, pos_ - start, "unterminated string literal");
      char c = text_[pos_++];
      if (c == quote)
        break;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size())
        fail(start, pos_ - start, "unterminated string literal");
      char e = text_[pos_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case '\\':
        case '\'':
        case '"':
          out.push_back(e);
          break;
        case 'u':
          out += unicodeEscape(pos_ - 2);
          break;
        default:
          fail(pos_ - 2, 2, fmt::format("unknown escape sequence `\\{}`", e));
      }
    }
    return make(TokenKind::String, start, std::move(out));
  }

  std::string unicodeEscape(size_t start) {
    if (pos_ + 4 > text_.size())
      fail(start, pos_ - start, "incomplete \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      if (!std::isxdigit(static_cast<unsigned char>(h)))
        fail(start, 6, "invalid \\u escape");
      code = code * 16 + (std::isdigit(static_cast<unsigned char>(h))
                              ? h - '0'
                              : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
    }
    std::string utf8;
    if (code < 0x80) {
      utf8.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      utf8.push_back(static_cast<char>(0xC0 | (code >> 6)));
      utf8.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      utf8.push_back(static_cast<char>(0xE0 | (code >> 12)));
      utf8.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      utf8.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return utf8;
  }

  Token quotedIdentifier(size_t start) {
    size_t end = text_.find('`', pos_ + 1);
    if (end == std::string_view::npos)
      fail(start, 1, "unterminated quoted identifier");
    std::string name(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return make(TokenKind::QuotedIdentifier, start, std::move(name));
  }

  Token parameter(size_t start) {
    ++pos_;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')
      ++pos_;
    if (pos_ == start + 1)
      fail(start, 1, "expected a parameter name after `$`");
    return make(TokenKind::Parameter, start,
                std::string(text_.substr(start + 1, pos_ - start - 1)));
  }

  Token punctuation(size_t start) {
    char c = text_[pos_++];
    auto follows = [&](char second) {
      if (peek() == second) {
        ++pos_;
        return true;
      }
      return false;
    };
    switch (c) {
      case '(':
        return make(TokenKind::LParen, start);
      case ')':
        return make(TokenKind::RParen, start);
      case '[':
        return make(TokenKind::LBracket, start);
      case ']':
        return make(TokenKind::RBracket, start);
      case '{':
        return make(TokenKind::LBrace, start);
      case '}':
        return make(TokenKind::RBrace, start);
      case ',':
        return make(TokenKind::Comma, start);
      case ':':
        return make(TokenKind::Colon, start);
      case ';':
        return make(TokenKind::Semicolon, start);
      case '|':
        return make(TokenKind::Pipe, start);
      case '+':
        return make(TokenKind::Plus, start);
      case '-':
        return make(TokenKind::Minus, start);
      case '*':
        return make(TokenKind::Star, start);
      case '/':
        return make(TokenKind::Slash, start);
      case '%':
        return make(TokenKind::Percent, start);
      case '^':
        return make(TokenKind::Caret, start);
      case '.':
        return make(follows('.') ? TokenKind::DotDot : TokenKind::Dot, start);
      case '=':
        return make(follows('~') ? TokenKind::RegexMatch : TokenKind::Eq, start);
      case '!':
        if (follows('='))
          return make(TokenKind::Ne, start);
        break;
      case '<':
        if (follows('='))
          return make(TokenKind::Le, start);
        if (follows('>'))
          return make(TokenKind::Ne, start);
        return make(TokenKind::Lt, start);
      case '>':
        if (follows('='))
          return make(TokenKind::Ge, start);
        return make(TokenKind::Gt, start);
    }
    fail(start, 1, fmt::format("unexpected character `{}`", c));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace livedash::query
