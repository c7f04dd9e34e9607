// src/query/parser_atoms.cpp
//
// The leaves of the expression grammar: literals, parameters, variables, function calls,
// list and map literals, list comprehensions, CASE and parenthesised expressions.
#include <charconv>

#include <fmt/format.h>

#include "query/parser_base.hpp"

namespace livedash::query {
namespace {

ExprPtr literal(core::Value v, core::SourceSpan span) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Literal;
  e->literal = std::move(v);
  e->span = span;
  return e;
}

}  // namespace

ExprPtr ParserBase::atom() {
  const Token& t = peek();
  size_t start = t.span.offset;
  switch (t.kind) {
    case TokenKind::Integer:
    case TokenKind::Float:
      return literalNumber(advance());
    case TokenKind::String: {
      const Token& s = advance();
      return literal(core::Value(s.text), s.span);
    }
    case TokenKind::Parameter: {
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::Parameter;
      e->name = advance().text;
      e->span = spanFrom(start);
      return e;
    }
    case TokenKind::LParen: {
      advance();
      ExprPtr inner = expression();
      expect(TokenKind::RParen, "to close the parenthesis");
      // Keep the parentheses in the span, so that default column names read as written.
      inner->span = spanFrom(start);
      return inner;
    }
    case TokenKind::LBracket:
      return listOrComprehension();
    case TokenKind::LBrace:
      return mapLiteral();
    case TokenKind::Identifier:
    case TokenKind::QuotedIdentifier:
      break;
    default:
      fail(t, fmt::format("expected an expression, found {}", describe(t)));
  }
  if (t.kind == TokenKind::Identifier) {
    if (t.isKeyword("TRUE") || t.isKeyword("FALSE")) {
      bool value = t.isKeyword("TRUE");
      return literal(core::Value(value), advance().span);
    }
    if (t.isKeyword("NULL"))
      return literal(core::Value(), advance().span);
    if (t.isKeyword("CASE"))
      return caseExpression();
    if (t.isKeyword("REDUCE") && peekAt(1).kind == TokenKind::LParen && isName(peekAt(2)) &&
        peekAt(3).kind == TokenKind::Eq) {
      return reduceExpression();
    }
    if ((t.isKeyword("ALL") || t.isKeyword("ANY") || t.isKeyword("NONE") ||
         t.isKeyword("SINGLE")) &&
        peekAt(1).kind == TokenKind::LParen && isName(peekAt(2)) && peekAt(3).isKeyword("IN")) {
      return listPredicate();
    }
    if (t.isKeyword("EXISTS") && peekAt(1).kind == TokenKind::LBrace) {
      unsupported(t, "EXISTS subqueries are not supported");
    }
  }
  return functionCallOrVariable();
}

ExprPtr ParserBase::literalNumber(const Token& t) {
  if (t.kind == TokenKind::Float) {
    double value = 0;
    auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
      fail(t, fmt::format("float literal {} is out of range", t.text));
    }
    return literal(core::Value(value), t.span);
  }
  int64_t value = 0;
  bool hex = t.text.size() > 2 && (t.text[1] == 'x' || t.text[1] == 'X');
  const char* first = t.text.data() + (hex ? 2 : 0);
  auto [ptr, ec] = std::from_chars(first, t.text.data() + t.text.size(), value, hex ? 16 : 10);
  if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
    fail(t, fmt::format("integer literal {} is out of range", t.text));
  }
  return literal(core::Value(value), t.span);
}

// `name(`, `ns.name(` and `a.b.c(` are function calls; otherwise the first name is a variable
// and the dots that follow are property accesses (handled by postfix()).
ExprPtr ParserBase::functionCallOrVariable() {
  size_t start = peek().span.offset;
  size_t lookahead = 1;
  while (peekAt(lookahead).kind == TokenKind::Dot && isName(peekAt(lookahead + 1))) {
    lookahead += 2;
  }
  if (peekAt(lookahead).kind == TokenKind::LParen) {
    std::string function_name = advance().text;
    while (at(TokenKind::Dot)) {
      advance();
      function_name += "." + advance().text;
    }
    return functionArguments(std::move(function_name), start);
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Variable;
  e->name = advance().text;
  e->span = spanFrom(start);
  return e;
}

ExprPtr ParserBase::functionArguments(std::string function_name, size_t start) {
  expect(TokenKind::LParen, "after the function name");
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::FunctionCall;
  e->name = std::move(function_name);
  if (at(TokenKind::Star) && upper(e->name) == "COUNT") {
    advance();
    expect(TokenKind::RParen, "after count(*");
    e->kind = ExprKind::CountStar;
    e->span = spanFrom(start);
    return e;
  }
  e->distinct = acceptKeyword("DISTINCT");
  if (!at(TokenKind::RParen)) {
    do {
      e->children.push_back(expression());
    } while (accept(TokenKind::Comma));
  }
  expect(TokenKind::RParen, "to close the function call");
  e->span = spanFrom(start);
  return e;
}

ExprPtr ParserBase::listOrComprehension() {
  size_t start = peek().span.offset;
  expect(TokenKind::LBracket, "to start a list");
  auto e = std::make_unique<Expr>();
  if (isName(peek()) && peekAt(1).isKeyword("IN")) {
    e->kind = ExprKind::ListComprehension;
    e->name = advance().text;
    advance();
    e->children.push_back(expression());
    if (acceptKeyword("WHERE")) {
      e->has_else = true;
      e->children.push_back(expression());
    }
    if (accept(TokenKind::Pipe)) {
      e->has_subject = true;
      e->children.push_back(expression());
    }
    expect(TokenKind::RBracket, "to close the list comprehension");
    e->span = spanFrom(start);
    return e;
  }
  e->kind = ExprKind::List;
  if (!at(TokenKind::RBracket)) {
    do {
      e->children.push_back(expression());
    } while (accept(TokenKind::Comma));
  }
  expect(TokenKind::RBracket, "to close the list");
  e->span = spanFrom(start);
  return e;
}

// reduce(total = 0, x IN list | total + x)
ExprPtr ParserBase::reduceExpression() {
  size_t start = peek().span.offset;
  advance();
  expect(TokenKind::LParen, "after reduce");
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Reduce;
  e->name = advance().text;
  expect(TokenKind::Eq, "after the accumulator's name, as in reduce(total = 0, x IN list | …)");
  e->children.push_back(expression());
  expect(TokenKind::Comma, "after the accumulator's initial value");
  if (!isName(peek()))
    fail(peek(), fmt::format("expected the iteration variable, found {}", describe(peek())));
  e->keys.push_back(advance().text);
  expectKeyword("IN");
  e->children.push_back(expression());
  expect(TokenKind::Pipe, "before the expression that folds each element into the accumulator");
  e->children.push_back(expression());
  expect(TokenKind::RParen, "to close reduce");
  e->span = spanFrom(start);
  return e;
}

// all(x IN list WHERE predicate), and any, none and single likewise.
ExprPtr ParserBase::listPredicate() {
  size_t start = peek().span.offset;
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::ListPredicate;
  e->keys.push_back(upper(advance().text));
  expect(TokenKind::LParen, "after the list predicate's name");
  e->name = advance().text;
  expectKeyword("IN");
  e->children.push_back(expression());
  expectKeyword("WHERE");
  e->children.push_back(expression());
  expect(TokenKind::RParen, fmt::format("to close {}(…)", e->keys[0]));
  e->span = spanFrom(start);
  return e;
}

ExprPtr ParserBase::mapLiteral() {
  size_t start = peek().span.offset;
  expect(TokenKind::LBrace, "to start a map");
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Map;
  if (!at(TokenKind::RBrace)) {
    do {
      e->keys.push_back(name("a map key"));
      expect(TokenKind::Colon, "after the map key");
      e->children.push_back(expression());
    } while (accept(TokenKind::Comma));
  }
  expect(TokenKind::RBrace, "to close the map");
  e->span = spanFrom(start);
  return e;
}

ExprPtr ParserBase::caseExpression() {
  size_t start = peek().span.offset;
  expectKeyword("CASE");
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Case;
  if (!peek().isKeyword("WHEN")) {
    e->has_subject = true;
    e->children.push_back(expression());
  }
  if (!peek().isKeyword("WHEN")) {
    fail(peek(), fmt::format("expected WHEN, found {}", describe(peek())));
  }
  while (acceptKeyword("WHEN")) {
    e->children.push_back(expression());
    expectKeyword("THEN");
    e->children.push_back(expression());
  }
  if (acceptKeyword("ELSE")) {
    e->has_else = true;
    e->children.push_back(expression());
  }
  expectKeyword("END");
  e->span = spanFrom(start);
  return e;
}

}  // namespace livedash::query
