// src/app/ws_messages.cpp
#include "app/ws_messages.hpp"

#include <fmt/format.h>

#include "core/json.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::app {

namespace {

//! `{"op":<op>,"query":<query>,"period":<period>` with the object left open.
std::string head(std::string_view op, std::string_view query, server::WsPeriod period) {
  std::string out = R"({"op":)";
  core::appendJsonString(out, op);
  out += R"(,"query":)";
  core::appendJsonString(out, query);
  out += R"(,"period":)";
  core::appendJsonString(out, server::wsPeriodName(period));
  return out;
}

}  // namespace

std::string wsSnapshotMessage(std::string_view query, const engine::QuerySnapshot& snapshot) {
  return wsSnapshotMessage(query, snapshot.sequence, engine::rowsJson(snapshot));
}

std::string wsSnapshotMessage(std::string_view query, uint64_t sequence,
                              std::string_view rows_json) {
  std::string out = head("snapshot", query, server::WsPeriod::Live);
  fmt::format_to(std::back_inserter(out), R"(,"sequence":{},"data":)", sequence);
  out += rows_json;
  out += '}';
  return out;
}

std::string wsResumedMessage(std::string_view query, uint64_t since, uint64_t sequence) {
  std::string out = head("resumed", query, server::WsPeriod::Live);
  fmt::format_to(std::back_inserter(out), R"(,"since":{},"sequence":{}}})", since, sequence);
  return out;
}

std::string wsDiffMessage(std::string_view diff_json) {
  // diff_json is an object, `{"queryId":…}`: the op goes in front of its first member.
  std::string out;
  out.reserve(diff_json.size() + 12);
  out += R"({"op":"diff",)";
  out.append(diff_json.substr(1));
  return out;
}

std::string wsValueMessage(std::string_view query, server::WsPeriod period, int64_t boundary_ms,
                           const engine::QuerySnapshot& snapshot) {
  return wsValueMessage(query, period, boundary_ms, snapshot.sequence, engine::rowsJson(snapshot));
}

std::string wsValueMessage(std::string_view query, server::WsPeriod period, int64_t boundary_ms,
                           uint64_t sequence, std::string_view rows_json) {
  std::string out = head("value", query, period);
  fmt::format_to(std::back_inserter(out), R"(,"boundary":{},"sequence":{},"data":)", boundary_ms,
                 sequence);
  out += rows_json;
  out += '}';
  return out;
}

core::FrameConstSharedPtr wsFrame(std::string channel, uint64_t sequence, std::string bytes) {
  auto frame = std::make_shared<core::Frame>();
  frame->channel = std::move(channel);
  frame->sequence = sequence;
  frame->bytes = std::move(bytes);
  return frame;
}

void wsReject(server::WsEndpoint& endpoint, const server::WsSubscribeRequest& request,
              core::ErrorCode code, const std::string& message) {
  std::string channel = server::wsChannel(request.query, request.period);
  core::FrameConstSharedPtr error =
      wsFrame(channel, 0, server::wsErrorMessage(request.query, request.period, code, message));
  endpoint.reject(request.subscriber, std::move(channel), std::move(error));
}

}  // namespace livedash::app
