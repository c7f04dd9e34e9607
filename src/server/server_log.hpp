// src/server/server_log.hpp
//
// Where the server reports what it cannot hand back to a caller (a handler that threw, a failed
// accept). The server does not link a logging library; the app points this at its logger at
// startup, so these lines come out in the same format (text or JSON) as every other.
#pragma once

#include <cstdint>
#include <string_view>

namespace livedash::server {

enum class ServerLogLevel : uint8_t { Warn, Error };

using ServerLogSink = void (*)(ServerLogLevel level, std::string_view message);

//! Set once at startup, before any server starts. The default writes `livedash: …` to stderr.
void setServerLogSink(ServerLogSink sink);
void serverLog(ServerLogLevel level, std::string_view message);

}  // namespace livedash::server
