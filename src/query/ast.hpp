// src/query/ast.hpp
//
// The syntax tree of a continuous query. It is what was written, with a SourceSpan on every node
// for error carets; names are not resolved here (that is the engine's binder).
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace livedash::query {

enum class ExprKind {
  Literal,            //!< literal
  Variable,           //!< name
  Parameter,          //!< name (without `$`)
  Property,           //!< children[0].name
  Index,              //!< children[0][children[1]]
  Slice,              //!< children[0][children[1]..children[2]] (missing bounds are null Literals)
  FunctionCall,       //!< name(children...), `distinct` for count(DISTINCT x)
  CountStar,          //!< count(*)
  Unary,              //!< op children[0]
  Binary,             //!< children[0] op children[1]
  List,               //!< [children...]
  Map,                //!< {keys[i]: children[i]}
  Case,               //!< see CaseParts below
  ListComprehension,  //!< [name IN children[0] WHERE children[1] | children[2]]
  //! reduce(name = children[0], keys[0] IN children[1] | children[2])
  Reduce,
  //! all|any|none|single (keys[0]) (name IN children[0] WHERE children[1])
  ListPredicate,
};

enum class Operator {
  Or,
  Xor,
  And,
  Not,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  Neg,
  Pos,
  In,
  StartsWith,
  EndsWith,
  Contains,
  RegexMatch,
  IsNull,
  IsNotNull,
};

const char* operatorName(Operator op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::Literal;
  core::SourceSpan span;
  core::Value literal;
  //! Variable, parameter, property key, function name (as written, dotted: `drasi.trueFor`),
  //! or the comprehension variable.
  std::string name;
  Operator op = Operator::And;
  bool distinct = false;
  //! Case: has_subject says whether children[0] is the `CASE x` subject; then WHEN/THEN pairs;
  //! then the ELSE expression if has_else. ListComprehension: has_else marks a WHERE,
  //! has_subject marks a `| projection`.
  bool has_subject = false;
  bool has_else = false;
  std::vector<ExprPtr> children;
  std::vector<std::string> keys;  //!< Map literal keys, parallel to children

  ExprPtr clone() const;
  //! The query text this expression covers, used as the default column name.
  std::string text(std::string_view query) const;
};

struct PropertyEntry {
  std::string key;
  ExprPtr value;
};

struct NodePattern {
  std::string variable;             //!< empty for an anonymous node
  std::vector<std::string> labels;  //!< (n:A:B): all required
  //! (n:A|B): at least one required. A pattern has labels or alternatives, not both.
  std::vector<std::string> label_alternatives;
  std::vector<PropertyEntry> properties;
  ExprPtr where;
  core::SourceSpan span;
};

enum class Direction { Outgoing, Incoming, Either };

struct RelationshipPattern {
  std::string variable;
  std::vector<std::string> types;
  std::vector<PropertyEntry> properties;
  ExprPtr where;
  Direction direction = Direction::Either;
  bool variable_length = false;
  core::SourceSpan span;
};

//! (n0)-[r0]-(n1)-[r1]-(n2)…: nodes.size() == relationships.size() + 1.
struct PathPattern {
  std::string path_variable;
  std::vector<NodePattern> nodes;
  std::vector<RelationshipPattern> relationships;
  core::SourceSpan span;
};

struct MatchClause {
  bool optional = false;
  std::vector<PathPattern> patterns;
  ExprPtr where;
  core::SourceSpan span;
};

struct ProjectionItem {
  ExprPtr expr;
  std::string alias;  //!< explicit `AS` name, or the default name
  bool explicit_alias = false;
  core::SourceSpan span;
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

//! WITH or RETURN, with its optional DISTINCT, ORDER BY, SKIP, LIMIT and (for WITH) WHERE.
struct ProjectionClause {
  bool is_return = false;
  bool distinct = false;
  bool star = false;  //!< `WITH *` / `RETURN *`
  std::vector<ProjectionItem> items;
  std::vector<SortItem> order_by;
  ExprPtr skip;
  ExprPtr limit;
  ExprPtr where;
  core::SourceSpan span;
};

using Clause = std::variant<MatchClause, ProjectionClause>;

struct Query {
  std::string text;
  std::vector<Clause> clauses;
};

}  // namespace livedash::query
