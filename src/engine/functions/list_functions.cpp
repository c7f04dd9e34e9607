// src/engine/functions/list_functions.cpp
//
// Drasi's list functions: coll.* and the drasi.list* statistics. NULL or a non-list gives NULL;
// NULL elements are skipped by the statistics, as in Drasi.
#include <algorithm>
#include <cmath>

#include "engine/functions/function_registry.hpp"

namespace livedash::engine {

using core::Value;
using Args = std::vector<Value>;

namespace {

Value distinctOf(const Args& a, const EvalContext&) {
  if (!a[0].isList())
    return Value();
  core::List out;
  for (const Value& item : a[0].asList()) {
    if (std::find(out.begin(), out.end(), item) == out.end())
      out.push_back(item);
  }
  return Value(std::move(out));
}

Value indexOf(const Args& a, const EvalContext&) {
  if (!a[0].isList())
    return Value();
  const core::List& list = a[0].asList();
  auto found = std::find(list.begin(), list.end(), a[1]);
  return Value(found == list.end() ? int64_t{-1} : static_cast<int64_t>(found - list.begin()));
}

// coll.insert(list, index, value): the list with value inserted before position index.
Value insertAt(const Args& a, const EvalContext&) {
  if (!a[0].isList() || !a[1].isInteger())
    return Value();
  core::List list = a[0].asList();
  int64_t index = a[1].asInteger();
  if (index < 0 || index > static_cast<int64_t>(list.size()))
    return Value();
  list.insert(list.begin() + index, a[2]);
  return Value(std::move(list));
}

// The smallest (or largest) non-null element, by Cypher's ordering.
Value extreme(const Args& a, bool want_max) {
  if (!a[0].isList())
    return Value();
  const Value* best = nullptr;
  for (const Value& item : a[0].asList()) {
    if (item.isNull())
      continue;
    if (!best || (want_max ? item > *best : item < *best))
      best = &item;
  }
  return best ? *best : Value();
}

// Population standard deviation of the numeric elements.
Value populationStdDev(const Args& a, const EvalContext&) {
  if (!a[0].isList())
    return Value();
  double sum = 0;
  double sum_squares = 0;
  size_t n = 0;
  for (const Value& item : a[0].asList()) {
    if (!item.isNumber())
      continue;
    double x = item.asNumber();
    sum += x;
    sum_squares += x * x;
    ++n;
  }
  if (n == 0)
    return Value();
  double mean = sum / static_cast<double>(n);
  double variance = std::max(0.0, sum_squares / static_cast<double>(n) - mean * mean);
  return Value(std::sqrt(variance));
}

}  // namespace

const std::vector<ScalarFunction>& listFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"coll.distinct", 1, 1, "the list without repeated elements, in first-seen order",
       distinctOf},
      {"coll.indexOf", 2, 2, "position of the first element equal to the value, or -1", indexOf},
      {"coll.insert", 3, 3, "coll.insert(list, index, value): value inserted before index",
       insertAt},
      {"drasi.listMin", 1, 1, "smallest non-null element of a list",
       [](const Args& a, const EvalContext&) { return extreme(a, false); }},
      {"drasi.listMax", 1, 1, "largest non-null element of a list",
       [](const Args& a, const EvalContext&) { return extreme(a, true); }},
      {"drasi.stdevp", 1, 1, "population standard deviation of a list's numbers", populationStdDev},
  };
  return kFunctions;
}

}  // namespace livedash::engine
