// src/query/ast.cpp
#include "query/ast.hpp"

namespace livedash::query {

const char* operatorName(Operator op) {
  switch (op) {
    case Operator::Or:
      return "OR";
    case Operator::Xor:
      return "XOR";
    case Operator::And:
      return "AND";
    case Operator::Not:
      return "NOT";
    case Operator::Eq:
      return "=";
    case Operator::Ne:
      return "<>";
    case Operator::Lt:
      return "<";
    case Operator::Le:
      return "<=";
    case Operator::Gt:
      return ">";
    case Operator::Ge:
      return ">=";
    case Operator::Add:
      return "+";
    case Operator::Sub:
      return "-";
    case Operator::Mul:
      return "*";
    case Operator::Div:
      return "/";
    case Operator::Mod:
      return "%";
    case Operator::Pow:
      return "^";
    case Operator::Neg:
      return "-";
    case Operator::Pos:
      return "+";
    case Operator::In:
      return "IN";
    case Operator::StartsWith:
      return "STARTS WITH";
    case Operator::EndsWith:
      return "ENDS WITH";
    case Operator::Contains:
      return "CONTAINS";
    case Operator::RegexMatch:
      return "=~";
    case Operator::IsNull:
      return "IS NULL";
    case Operator::IsNotNull:
      return "IS NOT NULL";
  }
  return "?";
}

ExprPtr Expr::clone() const {
  auto copy = std::make_unique<Expr>();
  copy->kind = kind;
  copy->span = span;
  copy->literal = literal;
  copy->name = name;
  copy->op = op;
  copy->distinct = distinct;
  copy->has_subject = has_subject;
  copy->has_else = has_else;
  copy->keys = keys;
  copy->children.reserve(children.size());
  for (const ExprPtr& child : children) {
    copy->children.push_back(child ? child->clone() : nullptr);
  }
  return copy;
}

std::string Expr::text(std::string_view query) const {
  if (span.offset >= query.size()) {
    return name;
  }
  return std::string(query.substr(span.offset, span.length));
}

}  // namespace livedash::query
