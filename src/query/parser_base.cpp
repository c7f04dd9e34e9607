// src/query/parser_base.cpp
#include "query/parser_base.hpp"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "query/lexer.hpp"

namespace livedash::query {

ParserBase::ParserBase(std::string_view text) : text_(text), tokens_(tokenize(text)) {}

ExprPtr ParserBase::parseStandaloneExpression() {
  ExprPtr e = expression();
  expectEnd();
  return e;
}

const Token& ParserBase::peekAt(size_t ahead) const {
  size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
  return tokens_[i];
}

const Token& ParserBase::advance() {
  const Token& t = tokens_[pos_];
  if (pos_ + 1 < tokens_.size())
    ++pos_;
  return t;
}

bool ParserBase::accept(TokenKind kind) {
  if (!at(kind))
    return false;
  advance();
  return true;
}

bool ParserBase::acceptKeyword(std::string_view keyword) {
  if (!peek().isKeyword(keyword))
    return false;
  advance();
  return true;
}

const Token& ParserBase::expect(TokenKind kind, std::string_view context) {
  if (!at(kind)) {
    fail(peek(),
         fmt::format("expected {} {}, found {}", tokenKindName(kind), context, describe(peek())));
  }
  return advance();
}

void ParserBase::expectKeyword(std::string_view keyword) {
  if (!acceptKeyword(keyword)) {
    fail(peek(), fmt::format("expected {}, found {}", keyword, describe(peek())));
  }
}

void ParserBase::expectEnd() {
  if (!at(TokenKind::End)) {
    fail(peek(), fmt::format("unexpected {} after the end of the query", describe(peek())));
  }
}

bool ParserBase::isName(const Token& t) {
  return t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier;
}

std::string ParserBase::name(std::string_view what) {
  if (!isName(peek())) {
    fail(peek(), fmt::format("expected {}, found {}", what, describe(peek())));
  }
  return advance().text;
}

core::SourceSpan ParserBase::spanFrom(size_t start_offset) const {
  const Token& last = tokens_[pos_ == 0 ? 0 : pos_ - 1];
  uint32_t end = last.span.offset + last.span.length;
  uint32_t start = static_cast<uint32_t>(start_offset);
  return core::SourceSpan{start, end > start ? end - start : 0};
}

void ParserBase::fail(const Token& at, std::string message) const {
  throw core::Error(core::ErrorCode::QuerySyntax, std::move(message),
                    core::SourceSpan{at.span.offset, std::max<uint32_t>(1, at.span.length)});
}

void ParserBase::unsupported(const Token& at, std::string message) const {
  throw core::Error(core::ErrorCode::QueryUnsupported, std::move(message),
                    core::SourceSpan{at.span.offset, std::max<uint32_t>(1, at.span.length)});
}

std::string ParserBase::describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::End:
      return "the end of the query";
    case TokenKind::Identifier:
    case TokenKind::QuotedIdentifier:
      return fmt::format("`{}`", t.text);
    case TokenKind::String:
      return fmt::format("the string '{}'", t.text);
    case TokenKind::Integer:
    case TokenKind::Float:
      return fmt::format("the number {}", t.text);
    case TokenKind::Parameter:
      return fmt::format("the parameter ${}", t.text);
    default:
      return tokenKindName(t.kind);
  }
}

std::string ParserBase::upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

ExprPtr ParserBase::binary(Operator op, ExprPtr lhs, ExprPtr rhs) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Binary;
  e->op = op;
  uint32_t start = lhs->span.offset;
  uint32_t end = rhs->span.offset + rhs->span.length;
  e->span = core::SourceSpan{start, end - start};
  e->children.push_back(std::move(lhs));
  e->children.push_back(std::move(rhs));
  return e;
}

ExprPtr ParserBase::unaryOp(Operator op, ExprPtr operand, size_t start) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Unary;
  e->op = op;
  e->children.push_back(std::move(operand));
  e->span = spanFrom(start);
  return e;
}

ParserBase::DepthGuard::DepthGuard(ParserBase& parser) : parser_(parser) {
  if (++parser_.depth_ > kMaxDepth) {
    --parser_.depth_;
    parser_.fail(parser_.peek(),
                 fmt::format("expression nested more than {} levels deep", kMaxDepth));
  }
}

ExprPtr ParserBase::expression() {
  DepthGuard guard(*this);
  return orExpr();
}

ExprPtr ParserBase::orExpr() {
  ExprPtr lhs = xorExpr();
  while (acceptKeyword("OR"))
    lhs = binary(Operator::Or, std::move(lhs), xorExpr());
  return lhs;
}

ExprPtr ParserBase::xorExpr() {
  ExprPtr lhs = andExpr();
  while (acceptKeyword("XOR"))
    lhs = binary(Operator::Xor, std::move(lhs), andExpr());
  return lhs;
}

ExprPtr ParserBase::andExpr() {
  ExprPtr lhs = notExpr();
  while (acceptKeyword("AND"))
    lhs = binary(Operator::And, std::move(lhs), notExpr());
  return lhs;
}

ExprPtr ParserBase::notExpr() {
  DepthGuard guard(*this);
  size_t start = peek().span.offset;
  if (acceptKeyword("NOT"))
    return unaryOp(Operator::Not, notExpr(), start);
  return comparison();
}

ExprPtr ParserBase::comparison() {
  ExprPtr lhs = predicates();
  while (true) {
    Operator op;
    switch (peek().kind) {
      case TokenKind::Eq:
        op = Operator::Eq;
        break;
      case TokenKind::Ne:
        op = Operator::Ne;
        break;
      case TokenKind::Lt:
        op = Operator::Lt;
        break;
      case TokenKind::Le:
        op = Operator::Le;
        break;
      case TokenKind::Gt:
        op = Operator::Gt;
        break;
      case TokenKind::Ge:
        op = Operator::Ge;
        break;
      case TokenKind::RegexMatch:
        op = Operator::RegexMatch;
        break;
      default:
        return lhs;
    }
    advance();
    lhs = binary(op, std::move(lhs), predicates());
  }
}

ExprPtr ParserBase::predicates() {
  ExprPtr lhs = additive();
  while (true) {
    const Token& t = peek();
    if (t.isKeyword("IN")) {
      advance();
      lhs = binary(Operator::In, std::move(lhs), additive());
    } else if (t.isKeyword("STARTS") || t.isKeyword("ENDS")) {
      Operator op = t.isKeyword("STARTS") ? Operator::StartsWith : Operator::EndsWith;
      advance();
      expectKeyword("WITH");
      lhs = binary(op, std::move(lhs), additive());
    } else if (t.isKeyword("CONTAINS")) {
      advance();
      lhs = binary(Operator::Contains, std::move(lhs), additive());
    } else if (t.isKeyword("IS")) {
      size_t start = lhs->span.offset;
      advance();
      bool negated = acceptKeyword("NOT");
      expectKeyword("NULL");
      lhs = unaryOp(negated ? Operator::IsNotNull : Operator::IsNull, std::move(lhs), start);
    } else {
      return lhs;
    }
  }
}

ExprPtr ParserBase::additive() {
  ExprPtr lhs = multiplicative();
  while (at(TokenKind::Plus) || at(TokenKind::Minus)) {
    Operator op = at(TokenKind::Plus) ? Operator::Add : Operator::Sub;
    advance();
    lhs = binary(op, std::move(lhs), multiplicative());
  }
  return lhs;
}

ExprPtr ParserBase::multiplicative() {
  ExprPtr lhs = power();
  while (at(TokenKind::Star) || at(TokenKind::Slash) || at(TokenKind::Percent)) {
    Operator op = at(TokenKind::Star) ? Operator::Mul
                                      : (at(TokenKind::Slash) ? Operator::Div : Operator::Mod);
    advance();
    lhs = binary(op, std::move(lhs), power());
  }
  return lhs;
}

ExprPtr ParserBase::power() {
  ExprPtr lhs = unary();
  while (accept(TokenKind::Caret))
    lhs = binary(Operator::Pow, std::move(lhs), unary());
  return lhs;
}

ExprPtr ParserBase::unary() {
  DepthGuard guard(*this);
  size_t start = peek().span.offset;
  if (accept(TokenKind::Minus))
    return unaryOp(Operator::Neg, unary(), start);
  if (accept(TokenKind::Plus))
    return unaryOp(Operator::Pos, unary(), start);
  return postfix();
}

ExprPtr ParserBase::postfix() {
  ExprPtr e = atom();
  while (true) {
    size_t start = e->span.offset;
    if (at(TokenKind::Dot)) {
      advance();
      auto p = std::make_unique<Expr>();
      p->kind = ExprKind::Property;
      p->name = name("a property name after `.`");
      p->children.push_back(std::move(e));
      p->span = spanFrom(start);
      e = std::move(p);
    } else if (accept(TokenKind::LBracket)) {
      auto ix = std::make_unique<Expr>();
      ExprPtr first = at(TokenKind::DotDot) ? std::make_unique<Expr>() : expression();
      ix->children.push_back(std::move(e));
      if (accept(TokenKind::DotDot)) {
        ix->kind = ExprKind::Slice;
        ix->children.push_back(std::move(first));
        ix->children.push_back(at(TokenKind::RBracket) ? std::make_unique<Expr>() : expression());
      } else {
        ix->kind = ExprKind::Index;
        ix->children.push_back(std::move(first));
      }
      expect(TokenKind::RBracket, "to close the index");
      ix->span = spanFrom(start);
      e = std::move(ix);
    } else {
      return e;
    }
  }
}

}  // namespace livedash::query
