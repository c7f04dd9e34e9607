// src/query/lexer.hpp
#pragma once

#include <string_view>
#include <vector>

#include "query/token.hpp"

namespace livedash::query {

//! Splits Cypher text into tokens, skipping white space and `//` and `/* */` comments.
//! The last token is always End. Throws core::Error(QuerySyntax) with a span on bad input.
std::vector<Token> tokenize(std::string_view text);

}  // namespace livedash::query
