// src/core/error.cpp
#include "core/error.hpp"

#include "core/json.hpp"

namespace livedash::core {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
#define LIVEDASH_ERROR_NAME(name, text, status) \
  case ErrorCode::name:                         \
    return text;
    LIVEDASH_ERROR_CODES(LIVEDASH_ERROR_NAME)
#undef LIVEDASH_ERROR_NAME
  }
  return "internal";
}

int errorCodeHttpStatus(ErrorCode code) {
  switch (code) {
#define LIVEDASH_ERROR_STATUS(name, text, status) \
  case ErrorCode::name:                           \
    return status;
    LIVEDASH_ERROR_CODES(LIVEDASH_ERROR_STATUS)
#undef LIVEDASH_ERROR_STATUS
  }
  return 500;
}

std::string errorJson(ErrorCode code, std::string_view message) {
  std::string out = R"({"success":false,"error":{"code":)";
  appendJsonString(out, errorCodeName(code));
  out.append(R"(,"message":)");
  appendJsonString(out, message);
  out.append("}}");
  return out;
}

}  // namespace livedash::core
