// src/query/parser_base.hpp
//
// Token navigation and the expression grammar, shared by the query parser. Internal to src/query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/ast.hpp"
#include "query/token.hpp"

namespace livedash::query {

class ParserBase {
 public:
  explicit ParserBase(std::string_view text);

  //! Parses the whole text as one expression.
  ExprPtr parseStandaloneExpression();

 protected:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& peekAt(size_t ahead) const;
  bool at(TokenKind kind) const { return peek().kind == kind; }
  const Token& advance();
  bool accept(TokenKind kind);
  bool acceptKeyword(std::string_view keyword);
  const Token& expect(TokenKind kind, std::string_view context);
  void expectKeyword(std::string_view keyword);
  void expectEnd();
  //! An identifier (quoted or not), for names of variables, labels, keys.
  std::string name(std::string_view what);
  static bool isName(const Token& t);
  core::SourceSpan spanFrom(size_t start_offset) const;

  [[noreturn]] void fail(const Token& at, std::string message) const;
  [[noreturn]] void unsupported(const Token& at, std::string message) const;
  static std::string describe(const Token& t);
  static std::string upper(std::string_view s);

  ExprPtr expression();

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;

 private:
  //! Counts nesting on the recursive paths of the grammar, so that hostile input (thousands of
  //! `[` or `NOT`) is a syntax error instead of a stack overflow.
  class DepthGuard {
   public:
    explicit DepthGuard(ParserBase& parser);
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    ParserBase& parser_;
  };
  static constexpr int kMaxDepth = 200;
  int depth_ = 0;

  ExprPtr orExpr();
  ExprPtr xorExpr();
  ExprPtr andExpr();
  ExprPtr notExpr();
  ExprPtr comparison();
  ExprPtr predicates();
  ExprPtr additive();
  ExprPtr multiplicative();
  ExprPtr power();
  ExprPtr unary();
  ExprPtr postfix();
  ExprPtr atom();
  ExprPtr literalNumber(const Token& t);
  ExprPtr functionCallOrVariable();
  ExprPtr functionArguments(std::string function_name, size_t start);
  ExprPtr listOrComprehension();
  ExprPtr reduceExpression();
  ExprPtr listPredicate();
  ExprPtr mapLiteral();
  ExprPtr caseExpression();

  ExprPtr binary(Operator op, ExprPtr lhs, ExprPtr rhs);
  ExprPtr unaryOp(Operator op, ExprPtr operand, size_t start);
};

}  // namespace livedash::query
