// src/core/error.hpp
//
// One list of error codes for the whole program. Each code has a stable snake_case name (used in
// JSON error bodies and logs) and the HTTP status it maps to. Errors thrown on the control plane
// (config load, query creation, REST handlers) are Error or a subclass; the data plane never
// throws.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace livedash::core {

#define LIVEDASH_ERROR_CODES(X)                          \
  X(BadRequest, "bad_request", 400)                      \
  X(InvalidJson, "invalid_json", 400)                    \
  X(QuerySyntax, "query_syntax", 400)                    \
  X(QuerySemantic, "query_semantic", 400)                \
  X(QueryUnsupported, "query_unsupported", 400)          \
  X(QueryRuntime, "query_runtime", 400)                  \
  X(ConfigInvalid, "config_invalid", 400)                \
  X(SqlError, "sql_error", 400)                          \
  X(ConstraintViolation, "constraint_violation", 400)    \
  X(Unauthorized, "unauthorized", 401)                   \
  X(Forbidden, "forbidden", 403)                         \
  X(NotFound, "not_found", 404)                          \
  X(QueryNotFound, "query_not_found", 404)               \
  X(SourceNotFound, "source_not_found", 404)             \
  X(ReactionNotFound, "reaction_not_found", 404)         \
  X(MethodNotAllowed, "method_not_allowed", 405)         \
  X(Conflict, "conflict", 409)                           \
  X(QueryFailed, "query_failed", 409)                    \
  X(PayloadTooLarge, "payload_too_large", 413)           \
  X(UnsupportedMediaType, "unsupported_media_type", 415) \
  X(TooManyConnections, "too_many_connections", 429)     \
  X(HeaderTooLarge, "header_too_large", 431)             \
  X(Internal, "internal", 500)                           \
  X(SourceUnavailable, "source_unavailable", 503)        \
  X(QueryStopped, "query_stopped", 503)

enum class ErrorCode : uint16_t {
#define LIVEDASH_ERROR_ENUM(name, text, status) name,
  LIVEDASH_ERROR_CODES(LIVEDASH_ERROR_ENUM)
#undef LIVEDASH_ERROR_ENUM
};

const char* errorCodeName(ErrorCode code);
int errorCodeHttpStatus(ErrorCode code);

//! A byte range in some text (a query, a config file), for carets in error messages.
struct SourceSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::optional<SourceSpan> span = std::nullopt,
        std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), span_(span), hint_(std::move(hint)) {}

  ErrorCode code() const { return code_; }
  const std::optional<SourceSpan>& span() const { return span_; }
  //! An extra line telling the user what to do, such as "did you mean `status`?".
  const std::string& hint() const { return hint_; }

 private:
  ErrorCode code_;
  std::optional<SourceSpan> span_;
  std::string hint_;
};

//! `{"success":false,"error":{"code":…,"message":…}}`, the body of every REST error.
std::string errorJson(ErrorCode code, std::string_view message);

}  // namespace livedash::core
