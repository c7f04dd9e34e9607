// src/config/query_config.hpp
//
// `queries:` entries. The Cypher text is kept as written and is not parsed here; the app parses it
// and uses fileLocationOf to turn a byte offset in the text into a line:column of the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_enums.hpp"
#include "config/config_location.hpp"
#include "core/diagnostic.hpp"
#include "core/value.hpp"

namespace livedash::config {

struct QuerySourceConfig {
  std::string source_id;
  std::vector<std::string> nodes;      //!< labels (table names) the query reads
  std::vector<std::string> relations;  //!< relation labels the source sends directly
};

struct JoinKeyConfig {
  std::string label;
  std::string property;
};

//! A synthetic relationship: nodes whose key properties are equal are joined by `id`.
struct JoinConfig {
  std::string id;  //!< the relation type used in MATCH, such as FOR_ORDER
  std::vector<JoinKeyConfig> keys;
};

//! A run of query text that was written on one file line.
struct QueryTextSegment {
  uint32_t text_offset = 0;  //!< where the run starts in QueryConfig::query
  uint32_t length = 0;
  core::LineColumn file_position;  //!< where the run starts in the file
};

struct QueryConfig {
  std::string id;
  std::string query;  //!< Cypher text, not interpolated
  QueryLanguage query_language = QueryLanguage::Cypher;
  std::vector<QuerySourceConfig> sources;
  std::vector<JoinConfig> joins;
  core::Map params;  //!< values for `$name` parameters
  bool auto_start = true;
  ConfigLocation location;       //!< the query's mapping, key path `queries[i]`
  ConfigLocation text_location;  //!< key path `queries[i].query`; position of the first character
  //! Ordered by text_offset. Empty when the query did not come from a file.
  std::vector<QueryTextSegment> text_segments;

  //! Line:column in the file of byte `offset` of `query`. Offsets between runs (a line break)
  //! map to the end of the run before. Without segments, the position within the text itself.
  core::LineColumn fileLocationOf(uint32_t offset) const;
};

//! A diagnostic for an error at `span` of the query text: file, key path and file position come
//! from the config; the excerpt is the query's own line with the caret under the span.
core::Diagnostic queryTextDiagnostic(const QueryConfig& query, core::SourceSpan span,
                                     std::string message, std::string hint = {});

}  // namespace livedash::config
