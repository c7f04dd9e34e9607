// src/engine/ops/accumulator.hpp
//
// Aggregate state for one group, with retraction: remove() undoes an add() exactly, so a group's
// result never drifts however long it lives. min/max keep a counted multiset so they stay right
// when the current extreme is deleted.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "core/value.hpp"
#include "engine/plan/query_plan.hpp"

namespace livedash::engine {

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  virtual void add(const core::Value& v) = 0;
  virtual void remove(const core::Value& v) = 0;
  virtual core::Value result() const = 0;
};
using AccumulatorPtr = std::unique_ptr<Accumulator>;

AccumulatorPtr makeAccumulator(const AggregateSpec& spec);

//! A sum that adds and subtracts decimals without drift: values with at most 6 decimal places
//! (money, counts) are summed exactly as scaled integers; anything else goes to a float part.
class ExactSum {
 public:
  void add(const core::Value& v, int sign);
  double value() const;
  bool allIntegers() const { return float_terms_ == 0 && scaled_ % kScale == 0 && !had_fraction_; }
  //! `v` times 10^6 when that is an exact integer of modest size (integers, money), else none.
  static std::optional<__int128> scaled(const core::Value& v);

 private:
  static constexpr int64_t kScale = 1'000'000;
  __int128 scaled_ = 0;
  double inexact_ = 0;
  int64_t float_terms_ = 0;
  bool had_fraction_ = false;
};

}  // namespace livedash::engine
