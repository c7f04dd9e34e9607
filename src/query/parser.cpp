// src/query/parser.cpp
//
// Recursive descent over the token list. Precedence follows openCypher, loosest first:
// OR, XOR, AND, NOT, comparison, string/list/null predicates, + -, * / %, ^, unary -,
// then postfix property access and indexing.
#include "query/parser.hpp"

#include <fmt/format.h>

#include "query/lexer.hpp"
#include "query/parser_base.hpp"

namespace livedash::query {
namespace {

// Clauses that are valid Cypher but make no sense for a read-only continuous query.
constexpr std::string_view kWritingClauses[] = {"CREATE", "MERGE",  "SET",     "DELETE",
                                                "DETACH", "REMOVE", "FOREACH", "LOAD"};
constexpr std::string_view kUnsupportedClauses[] = {"UNWIND", "CALL", "UNION", "USE"};

class QueryParser : public ParserBase {
 public:
  using ParserBase::ParserBase;

  Query parse() {
    Query query;
    query.text = std::string(text_);
    while (!at(TokenKind::End)) {
      if (accept(TokenKind::Semicolon)) {
        expectEnd();
        break;
      }
      query.clauses.push_back(clause());
    }
    if (query.clauses.empty()) {
      fail(peek(), "empty query: expected MATCH");
    }
    if (!std::holds_alternative<ProjectionClause>(query.clauses.back()) ||
        !std::get<ProjectionClause>(query.clauses.back()).is_return) {
      fail(peek(), "a query must end with RETURN");
    }
    return query;
  }

 private:
  Clause clause() {
    const Token& t = peek();
    if (t.isKeyword("MATCH") || t.isKeyword("OPTIONAL"))
      return matchClause();
    if (t.isKeyword("WITH") || t.isKeyword("RETURN"))
      return projectionClause();
    for (std::string_view kw : kWritingClauses) {
      if (t.isKeyword(kw)) {
        unsupported(t, fmt::format("unsupported clause {}: continuous queries are read-only",
                                   upper(t.text)));
      }
    }
    for (std::string_view kw : kUnsupportedClauses) {
      if (t.isKeyword(kw)) {
        unsupported(t, fmt::format("unsupported clause {}", upper(t.text)));
      }
    }
    fail(t, fmt::format("expected MATCH, WITH or RETURN, found {}", describe(t)));
  }

  MatchClause matchClause() {
    MatchClause m;
    size_t start = peek().span.offset;
    if (acceptKeyword("OPTIONAL")) {
      m.optional = true;
    }
    expectKeyword("MATCH");
    do {
      m.patterns.push_back(pathPattern());
    } while (accept(TokenKind::Comma));
    if (acceptKeyword("WHERE")) {
      m.where = expression();
    }
    m.span = spanFrom(start);
    return m;
  }

  PathPattern pathPattern() {
    PathPattern p;
    size_t start = peek().span.offset;
    if (at(TokenKind::Identifier) && peekAt(1).kind == TokenKind::Eq) {
      p.path_variable = advance().text;
      advance();
    }
    p.nodes.push_back(nodePattern());
    while (at(TokenKind::Minus) || at(TokenKind::Lt)) {
      p.relationships.push_back(relationshipPattern());
      p.nodes.push_back(nodePattern());
    }
    p.span = spanFrom(start);
    return p;
  }

  NodePattern nodePattern() {
    NodePattern n;
    size_t start = peek().span.offset;
    expect(TokenKind::LParen, "to start a node pattern");
    if (isName(peek()))
      n.variable = advance().text;
    while (accept(TokenKind::Colon)) {
      n.labels.push_back(name("a label"));
      if (at(TokenKind::Pipe))
        labelAlternatives(n);
    }
    if (at(TokenKind::LBrace))
      n.properties = propertyMap();
    if (acceptKeyword("WHERE"))
      n.where = expression();
    expect(TokenKind::RParen, "to close the node pattern");
    n.span = spanFrom(start);
    return n;
  }

  // (n:A|B|C), or (n:A|:B): the label just read and those after each `|` are alternatives.
  void labelAlternatives(NodePattern& n) {
    if (n.labels.size() > 1) {
      unsupported(peek(),
                  "label alternatives combined with other labels (:A:B|C) are not "
                  "supported; use one alternation such as (:A|B)");
    }
    n.label_alternatives = std::move(n.labels);
    n.labels.clear();
    while (accept(TokenKind::Pipe)) {
      accept(TokenKind::Colon);
      n.label_alternatives.push_back(name("a label"));
    }
    if (at(TokenKind::Colon)) {
      unsupported(peek(),
                  "label alternatives combined with other labels (:A|B:C) are not "
                  "supported; use one alternation such as (:A|B)");
    }
  }

  RelationshipPattern relationshipPattern() {
    RelationshipPattern r;
    size_t start = peek().span.offset;
    bool incoming = accept(TokenKind::Lt);
    expect(TokenKind::Minus, "in a relationship pattern");
    if (accept(TokenKind::LBracket)) {
      if (isName(peek()))
        r.variable = advance().text;
      if (accept(TokenKind::Colon)) {
        r.types.push_back(name("a relationship type"));
        while (accept(TokenKind::Pipe)) {
          accept(TokenKind::Colon);
          r.types.push_back(name("a relationship type"));
        }
      }
      if (at(TokenKind::Star)) {
        unsupported(peek(), "variable-length relationships are not supported");
      }
      if (at(TokenKind::LBrace))
        r.properties = propertyMap();
      if (acceptKeyword("WHERE"))
        r.where = expression();
      expect(TokenKind::RBracket, "to close the relationship pattern");
    }
    expect(TokenKind::Minus, "in a relationship pattern");
    bool outgoing = accept(TokenKind::Gt);
    if (incoming && outgoing) {
      fail(tokens_[pos_ - 1], "a relationship cannot point both ways; use `-[]-` for either");
    }
    r.direction =
        incoming ? Direction::Incoming : (outgoing ? Direction::Outgoing : Direction::Either);
    r.span = spanFrom(start);
    return r;
  }

  std::vector<PropertyEntry> propertyMap() {
    std::vector<PropertyEntry> entries;
    expect(TokenKind::LBrace, "to start a property map");
    if (!at(TokenKind::RBrace)) {
      do {
        PropertyEntry e;
        e.key = name("a property key");
        expect(TokenKind::Colon, "after the property key");
        e.value = expression();
        entries.push_back(std::move(e));
      } while (accept(TokenKind::Comma));
    }
    expect(TokenKind::RBrace, "to close the property map");
    return entries;
  }

  ProjectionClause projectionClause() {
    ProjectionClause p;
    size_t start = peek().span.offset;
    p.is_return = peek().isKeyword("RETURN");
    advance();
    p.distinct = acceptKeyword("DISTINCT");
    if (accept(TokenKind::Star)) {
      p.star = true;
      if (accept(TokenKind::Comma))
        projectionItems(p);
    } else {
      projectionItems(p);
    }
    if (peek().isKeyword("ORDER")) {
      advance();
      expectKeyword("BY");
      do {
        SortItem s;
        s.expr = expression();
        if (acceptKeyword("DESC") || acceptKeyword("DESCENDING")) {
          s.descending = true;
        } else if (!acceptKeyword("ASC")) {
          acceptKeyword("ASCENDING");
        }
        p.order_by.push_back(std::move(s));
      } while (accept(TokenKind::Comma));
    }
    if (acceptKeyword("SKIP"))
      p.skip = expression();
    if (acceptKeyword("LIMIT"))
      p.limit = expression();
    if (!p.is_return && acceptKeyword("WHERE"))
      p.where = expression();
    p.span = spanFrom(start);
    return p;
  }

  void projectionItems(ProjectionClause& p) {
    do {
      ProjectionItem item;
      size_t start = peek().span.offset;
      item.expr = expression();
      if (acceptKeyword("AS")) {
        item.alias = name("a column name after AS");
        item.explicit_alias = true;
      } else {
        item.alias = defaultAlias(*item.expr);
      }
      item.span = spanFrom(start);
      p.items.push_back(std::move(item));
    } while (accept(TokenKind::Comma));
  }

  // `o.status` is named `status` and `o` is named `o`, as Drasi names them; anything else is
  // named by its text.
  std::string defaultAlias(const Expr& e) const {
    if (e.kind == ExprKind::Variable || e.kind == ExprKind::Property)
      return e.name;
    return e.text(text_);
  }
};

}  // namespace

Query parseQuery(std::string_view text) {
  return QueryParser(text).parse();
}

ExprPtr parseExpression(std::string_view text) {
  QueryParser parser(text);
  return parser.parseStandaloneExpression();
}

}  // namespace livedash::query
