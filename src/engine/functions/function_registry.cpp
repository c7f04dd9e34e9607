// src/engine/functions/function_registry.cpp
#include "engine/functions/function_registry.hpp"

#include <utility>

#include <strings.h>

namespace livedash::engine {
namespace {

bool sameName(std::string_view a, const char* b) {
  return a.size() == std::char_traits<char>::length(b) && strncasecmp(a.data(), b, a.size()) == 0;
}

}  // namespace

const std::vector<const std::vector<ScalarFunction>*>& scalarFunctionTables() {
  static const std::vector<const std::vector<ScalarFunction>*> kTables = {
      &builtinScalarFunctions(), &textFunctions(), &futureFunctions(),
      &mathFunctions(),          &listFunctions(), &calendarFunctions()};
  return kTables;
}

const ScalarFunction* findScalarFunction(std::string_view name) {
  for (const auto* table : scalarFunctionTables()) {
    for (const ScalarFunction& f : *table) {
      if (sameName(name, f.name))
        return &f;
    }
  }
  return nullptr;
}

const AggregateFunction* findAggregateFunction(std::string_view name) {
  for (const AggregateFunction& f : builtinAggregateFunctions()) {
    if (sameName(name, f.name))
      return &f;
  }
  return nullptr;
}

std::vector<std::string> allFunctionNames() {
  std::vector<std::string> names;
  for (const auto* table : scalarFunctionTables()) {
    for (const ScalarFunction& f : *table)
      names.emplace_back(f.name);
  }
  for (const AggregateFunction& f : builtinAggregateFunctions())
    names.emplace_back(f.name);
  return names;
}

const char* unsupportedFunctionReason(std::string_view name) {
  static constexpr const char* kPast =
      "it reads element history from Drasi's archive index, and livedash keeps no history (a "
      "query's memory grows with the rows it can match, not with time)";
  static const std::pair<const char*, const char*> kUnsupported[] = {
      {"retainHistory",
       "Drasi's context mutator keeps the state that removing or replacing a solution would "
       "undo; livedash retracts every removed solution exactly and keeps no history, so it "
       "cannot honour it"},
      {"drasi.getVersionByTimestamp", kPast},
      {"drasi.getVersionsByTimeRange", kPast},
  };
  for (const auto& [function, reason] : kUnsupported) {
    if (sameName(name, function))
      return reason;
  }
  return nullptr;
}

const std::vector<AggregateFunction>& builtinAggregateFunctions() {
  static const std::vector<AggregateFunction> kAggregates = {
      {"count", AggregateKind::Count, "number of non-null values (an integer)"},
      {"sum", AggregateKind::Sum, "sum of the values, as a float"},
      {"avg", AggregateKind::Avg, "arithmetic mean of the values"},
      {"min", AggregateKind::Min, "smallest value; stays correct under deletes"},
      {"max", AggregateKind::Max, "largest value; stays correct under deletes"},
      {"collect", AggregateKind::Collect, "list of the non-null values"},
      {"drasi.linearGradient", AggregateKind::LinearGradient,
       "least-squares slope of y over x, from (x, y) pairs of numbers; null below two distinct x"},
      {"drasi.last", AggregateKind::Last,
       "the non-null value of the latest contribution to arrive; kept when others leave"},
  };
  return kAggregates;
}

}  // namespace livedash::engine
