// src/query/parser.hpp
#pragma once

#include <string_view>

#include "query/ast.hpp"

namespace livedash::query {

//! Parses a continuous query in livedash's Cypher subset. Throws core::Error with code
//! QuerySyntax (malformed text) or QueryUnsupported (a valid Cypher feature that continuous
//! queries do not support, such as CREATE), always with the span of the offending token.
Query parseQuery(std::string_view text);

//! Parses a single expression (for tests and the REPL-style tools).
ExprPtr parseExpression(std::string_view text);

}  // namespace livedash::query
