// src/server/ws_protocol.cpp
#include "server/ws_protocol.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/calendar.hpp"
#include "core/json.hpp"

namespace livedash::server {

namespace {

constexpr size_t kMaxCloseReasonBytes = 123;

struct PeriodInfo {
  WsPeriod period;
  std::string_view name;
  int64_t ms;
};

constexpr std::array<PeriodInfo, 4> kPeriods{{
    {WsPeriod::Live, "live", 0},
    {WsPeriod::Minute, "minute", 60'000},
    {WsPeriod::Hour, "hour", 3'600'000},
    {WsPeriod::Day, "day", 86'400'000},
}};

//! The longest prefix of `text` within `max_bytes` that does not split a UTF-8 character.
std::string_view utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut);
}

WsFatal policyViolation(std::string_view message) {
  return WsFatal{WsCloseCode::PolicyViolation, wsCloseReason("bad_message", message)};
}

const core::Value* field(const core::Map& object, const std::string& name) {
  auto it = object.find(name);
  return it == object.end() || it->second.isNull() ? nullptr : &it->second;
}

//! The `query` and `period` fields shared by subscribe and unsubscribe. A period name we do not
//! know is the client's recoverable mistake, like a query we do not have.
std::variant<std::pair<std::string, std::optional<WsPeriod>>, WsClientMessage> queryAndPeriod(
    const core::Map& object) {
  const core::Value* query = field(object, "query");
  if (!query || !query->isString() || query->asString().empty()) {
    return WsClientMessage(policyViolation("`query` must be a non-empty string"));
  }
  const core::Value* period = field(object, "period");
  if (!period) {
    return std::pair(query->asString(), std::optional<WsPeriod>());
  }
  std::optional<WsPeriod> parsed;
  if (period->isString()) {
    parsed = parseWsPeriod(period->asString());
  }
  if (!parsed) {
    return WsClientMessage(
        WsRecoverable{wsErrorMessage(query->asString(), std::nullopt, core::ErrorCode::BadRequest,
                                     "`period` must be one of live, minute, hour, day")});
  }
  return std::pair(query->asString(), parsed);
}

WsClientMessage subscribe(const core::Map& object) {
  auto common = queryAndPeriod(object);
  if (auto* done = std::get_if<WsClientMessage>(&common)) {
    return std::move(*done);
  }
  auto& [query, period] = std::get<0>(common);
  WsSubscribe out{std::move(query), period.value_or(WsPeriod::Live), std::nullopt};
  if (const core::Value* since = field(object, "since")) {
    if (!since->isInteger() || since->asInteger() < 0) {
      return policyViolation("`since` must be a non-negative integer");
    }
    out.since = static_cast<uint64_t>(since->asInteger());
  }
  return out;
}

WsClientMessage unsubscribe(const core::Map& object) {
  auto common = queryAndPeriod(object);
  if (auto* done = std::get_if<WsClientMessage>(&common)) {
    return std::move(*done);
  }
  auto& [query, period] = std::get<0>(common);
  return WsUnsubscribe{std::move(query), period};
}

}  // namespace

std::string_view wsPeriodName(WsPeriod period) {
  return kPeriods[static_cast<size_t>(period)].name;
}

std::optional<WsPeriod> parseWsPeriod(std::string_view name) {
  for (const PeriodInfo& p : kPeriods) {
    if (p.name == name) {
      return p.period;
    }
  }
  return std::nullopt;
}

int64_t wsPeriodMs(WsPeriod period) {
  return kPeriods[static_cast<size_t>(period)].ms;
}

int64_t wsPeriodStart(WsPeriod period, int64_t now_ms) {
  const int64_t length = wsPeriodMs(period);
  return core::floorDiv(now_ms, length) * length;
}

std::string wsChannel(std::string_view query, WsPeriod period) {
  // The period name has no ':', so the name is unique for every (query, period).
  std::string out(wsPeriodName(period));
  out += ':';
  out += query;
  return out;
}

bool isWebSocketUpgrade(const HttpRequest& request) {
  auto lower = [](std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  // `Connection` is a comma-separated list, such as `keep-alive, Upgrade` (Firefox).
  const std::string connection = lower(request.header("connection"));
  bool upgrade_token = false;
  for (size_t start = 0; start <= connection.size();) {
    size_t end = std::min(connection.find(',', start), connection.size());
    std::string_view token(connection.data() + start, end - start);
    const size_t first = token.find_first_not_of(" \t");
    const size_t last = token.find_last_not_of(" \t");
    if (first != std::string_view::npos && token.substr(first, last - first + 1) == "upgrade") {
      upgrade_token = true;
    }
    start = end + 1;
  }
  return request.method == "GET" && upgrade_token &&
         lower(request.header("upgrade")) == "websocket";
}

WsClientMessage parseWsClientMessage(std::string_view text) {
  core::Value parsed;
  try {
    parsed = core::parseJson(text);
  } catch (const core::Error& e) {
    return WsFatal{WsCloseCode::InvalidPayload, wsCloseReason("invalid_json", e.what())};
  }
  if (!parsed.isMap()) {
    return policyViolation("a message must be a JSON object");
  }
  const core::Map& object = parsed.asMap();
  const core::Value* op = field(object, "op");
  if (!op || !op->isString()) {
    return policyViolation("a message needs a string `op`");
  }
  const std::string& name = op->asString();
  if (name == "subscribe") {
    return subscribe(object);
  }
  if (name == "unsubscribe") {
    return unsubscribe(object);
  }
  if (name == "ping") {
    return WsPing{};
  }
  if (name == "pong") {
    return WsPing{};  // a client's answer to nothing we asked: harmless, and answered alike
  }
  return policyViolation("unknown op `" + name + "`; expected subscribe, unsubscribe or ping");
}

std::string wsErrorMessage(std::string_view query, std::optional<WsPeriod> period,
                           core::ErrorCode code, std::string_view message) {
  std::string out = R"({"op":"error")";
  if (!query.empty()) {
    out += R"(,"query":)";
    core::appendJsonString(out, query);
  }
  if (period) {
    out += R"(,"period":)";
    core::appendJsonString(out, wsPeriodName(*period));
  }
  out += R"(,"code":)";
  core::appendJsonString(out, core::errorCodeName(code));
  out += R"(,"message":)";
  core::appendJsonString(out, message);
  out += '}';
  return out;
}

std::string wsCloseReason(std::string_view code, std::string_view message) {
  message = utf8Prefix(message, kMaxCloseReasonBytes);
  for (;;) {
    std::string out = R"({"code":)";
    core::appendJsonString(out, code);
    out += R"(,"message":)";
    core::appendJsonString(out, message);
    out += '}';
    if (out.size() <= kMaxCloseReasonBytes || message.empty()) {
      return out;
    }
    message = utf8Prefix(message, message.size() - 1);
  }
}

}  // namespace livedash::server
