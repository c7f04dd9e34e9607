// src/config/query_fields.cpp
//
// The keys of `queries:` entries. The query text is kept raw (no `${VAR}`), with where each of its
// lines sits in the file.
#include "config/field_binding.hpp"
#include "config/query_text_location.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {

FieldTable fieldsOf(Reader& r, QuerySourceConfig& out) {
  return {bindReference(r, "source_id", Section::Source, out.source_id),
          field(r, "nodes", out.nodes), field(r, "relations", out.relations),
          drasiOnly("pipeline", "livedash has no middleware")};
}

FieldTable fieldsOf(Reader& r, JoinKeyConfig& out) {
  return {field(r, "label", out.label, FieldRule::Required),
          field(r, "property", out.property, FieldRule::Required)};
}

void readValue(Reader& r, const YAML::Node& node, const std::string& path, JoinConfig& out) {
  readFields(r, node, path,
             {field(r, "id", out.id, FieldRule::Required),
              field(r, "keys", out.keys, FieldRule::Required)});
  YAML::Node keys = findField(node, "keys");
  if (keys.IsSequence() && keys.size() < 2) {
    r.error(keys, childPath(path, "keys"), "a join needs at least two keys",
            "give one {label, property} per side, such as payments.order_id and orders.id");
  }
}

namespace {

FieldBinding queryTextField(Reader& r, QueryConfig& out) {
  auto read = [&r, &out](const YAML::Node& value, const std::string& path) {
    if (!value.IsScalar()) {
      r.wrongType(value, path, "a string");
      return;
    }
    out.query = value.Scalar();
    out.text_location = r.locationOf(value, path);
    out.text_segments =
        locateScalarText(r.text(), static_cast<uint32_t>(value.Mark().pos), out.query);
    if (!out.text_segments.empty()) {
      out.text_location.position = out.text_segments.front().file_position;
    }
    if (out.query.find_first_not_of(" \t\r\n") == std::string::npos) {
      r.error(value, path, "the query text is empty");
    }
  };
  return FieldBinding{"query", FieldRule::Required, std::move(read)};
}

}  // namespace

void readValue(Reader& r, const YAML::Node& node, const std::string& path, QueryConfig& out) {
  out.location = r.locationOf(node, path);
  readFields(r, node, path,
             {bindId(r, Section::Query, out.id), queryTextField(r, out),
              field(r, "query_language", out.query_language),
              field(r, "sources", out.sources, FieldRule::Required), field(r, "joins", out.joins),
              field(r, "params", out.params), field(r, "auto_start", out.auto_start),
              drasiOnly("enable_bootstrap"), drasiOnly("bootstrap_buffer_size"),
              drasiOnly("bootstrap_timeout_secs"), drasiOnly("priority_queue_capacity"),
              drasiOnly("dispatch_buffer_capacity"), drasiOnly("dispatch_mode"),
              drasiOnly("storage_backend"), drasiOnly("outbox_capacity"),
              unsupported("middleware", "livedash has no middleware; reshape rows in the query")});
  YAML::Node sources = findField(node, "sources");
  if (sources.IsSequence() && sources.size() == 0) {
    r.error(sources, childPath(path, "sources"), "a query needs at least one source");
  }
}

}  // namespace livedash::config
