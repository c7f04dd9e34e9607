// src/config/config_enums.hpp
//
// The closed sets of values a config may name, each with its YAML spellings. The loader matches
// spellings case-insensitively; the first spelling of a value is the one printed back.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace livedash::config {

enum class SourceKind : uint8_t { Postgres, Embedded };
enum class PostgresMode : uint8_t { Replication, Notify };
enum class SslMode : uint8_t { Disable, Allow, Prefer, Require, VerifyCa, VerifyFull };
enum class BootstrapKind : uint8_t { Postgres, Noop };
enum class QueryLanguage : uint8_t { Cypher };
enum class ReactionKind : uint8_t { Sse, Log, Http };
enum class HttpMethod : uint8_t { Get, Post, Put, Patch, Delete };
enum class WidgetType : uint8_t { Stat, StatusGrid, Table, List, Alerts, Line, Bar, EventLog };
enum class LogLevel : uint8_t { Trace, Debug, Info, Warn, Error, Critical, Off };
enum class LogFormat : uint8_t { Text, Json };
enum class TokenRole : uint8_t { Read, Admin };

template <class Enum>
struct EnumName {
  std::string_view name;
  Enum value;
};

inline constexpr EnumName<SourceKind> kSourceKindNames[] = {{"postgres", SourceKind::Postgres},
                                                            {"embedded", SourceKind::Embedded}};
inline constexpr EnumName<PostgresMode> kPostgresModeNames[] = {
    {"replication", PostgresMode::Replication}, {"notify", PostgresMode::Notify}};
// libpq's sslmode values; drasi accepts only disable, prefer and require.
inline constexpr EnumName<SslMode> kSslModeNames[] = {
    {"disable", SslMode::Disable},    {"allow", SslMode::Allow},
    {"prefer", SslMode::Prefer},      {"require", SslMode::Require},
    {"verify-ca", SslMode::VerifyCa}, {"verify-full", SslMode::VerifyFull}};
inline constexpr EnumName<BootstrapKind> kBootstrapKindNames[] = {
    {"postgres", BootstrapKind::Postgres}, {"noop", BootstrapKind::Noop}};
inline constexpr EnumName<QueryLanguage> kQueryLanguageNames[] = {
    {"Cypher", QueryLanguage::Cypher}};
// `webhook` is our older name for drasi's `http` reaction.
inline constexpr EnumName<ReactionKind> kReactionKindNames[] = {{"sse", ReactionKind::Sse},
                                                                {"log", ReactionKind::Log},
                                                                {"http", ReactionKind::Http},
                                                                {"webhook", ReactionKind::Http}};
inline constexpr EnumName<HttpMethod> kHttpMethodNames[] = {{"POST", HttpMethod::Post},
                                                            {"PUT", HttpMethod::Put},
                                                            {"PATCH", HttpMethod::Patch},
                                                            {"DELETE", HttpMethod::Delete},
                                                            {"GET", HttpMethod::Get}};
inline constexpr EnumName<WidgetType> kWidgetTypeNames[] = {
    {"stat", WidgetType::Stat},     {"status-grid", WidgetType::StatusGrid},
    {"table", WidgetType::Table},   {"list", WidgetType::List},
    {"alerts", WidgetType::Alerts}, {"line", WidgetType::Line},
    {"bar", WidgetType::Bar},       {"event-log", WidgetType::EventLog}};
inline constexpr EnumName<LogLevel> kLogLevelNames[] = {
    {"trace", LogLevel::Trace},       {"debug", LogLevel::Debug},  {"info", LogLevel::Info},
    {"warn", LogLevel::Warn},         {"warning", LogLevel::Warn}, {"error", LogLevel::Error},
    {"critical", LogLevel::Critical}, {"off", LogLevel::Off}};
inline constexpr EnumName<LogFormat> kLogFormatNames[] = {{"text", LogFormat::Text},
                                                          {"json", LogFormat::Json}};
inline constexpr EnumName<TokenRole> kTokenRoleNames[] = {{"read", TokenRole::Read},
                                                          {"admin", TokenRole::Admin}};

// Overloads on a tag value, so generic code can find the table of any enum type.
constexpr std::span<const EnumName<SourceKind>> enumNames(SourceKind) {
  return kSourceKindNames;
}
constexpr std::span<const EnumName<PostgresMode>> enumNames(PostgresMode) {
  return kPostgresModeNames;
}
constexpr std::span<const EnumName<SslMode>> enumNames(SslMode) {
  return kSslModeNames;
}
constexpr std::span<const EnumName<BootstrapKind>> enumNames(BootstrapKind) {
  return kBootstrapKindNames;
}
constexpr std::span<const EnumName<QueryLanguage>> enumNames(QueryLanguage) {
  return kQueryLanguageNames;
}
constexpr std::span<const EnumName<ReactionKind>> enumNames(ReactionKind) {
  return kReactionKindNames;
}
constexpr std::span<const EnumName<HttpMethod>> enumNames(HttpMethod) {
  return kHttpMethodNames;
}
constexpr std::span<const EnumName<WidgetType>> enumNames(WidgetType) {
  return kWidgetTypeNames;
}
constexpr std::span<const EnumName<LogLevel>> enumNames(LogLevel) {
  return kLogLevelNames;
}
constexpr std::span<const EnumName<LogFormat>> enumNames(LogFormat) {
  return kLogFormatNames;
}
constexpr std::span<const EnumName<TokenRole>> enumNames(TokenRole) {
  return kTokenRoleNames;
}

//! The canonical spelling of `value`, such as "status-grid" or "POST".
template <class Enum>
constexpr std::string_view enumName(Enum value) {
  for (const EnumName<Enum>& entry : enumNames(Enum{})) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return "?";
}

}  // namespace livedash::config
