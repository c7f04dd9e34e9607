// src/engine/ops/accumulator.cpp
#include "engine/ops/accumulator.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include <boost/unordered/unordered_flat_map.hpp>

namespace livedash::engine {

using core::Value;

void ExactSum::add(const Value& v, int sign) {
  if (v.isInteger()) {
    scaled_ += static_cast<__int128>(v.asInteger()) * kScale * sign;
    return;
  }
  if (v.isDecimal()) {
    // Exact when it has at most 6 fraction digits (the scaled grid) and a modest magnitude.
    core::Decimal dec = v.asDecimal();
    constexpr __int128 kMaxTerm = static_cast<__int128>(1'000'000'000'000'000'000) * 1'000'000;
    if (dec.scale <= 6 && dec.unscaled < kMaxTerm && dec.unscaled > -kMaxTerm) {
      __int128 r = dec.unscaled;
      for (int32_t i = dec.scale; i < 6; ++i)
        r *= 10;
      scaled_ += r * sign;
      had_fraction_ = had_fraction_ || r % kScale != 0;
      return;
    }
  }
  double d = v.asNumber();
  double scaled = d * static_cast<double>(kScale);
  if (std::isfinite(scaled) && std::fabs(scaled) < 9e18) {
    int64_t r = std::llround(scaled);
    if (static_cast<double>(r) / static_cast<double>(kScale) == d) {
      scaled_ += static_cast<__int128>(r) * sign;
      had_fraction_ = had_fraction_ || r % kScale != 0;
      return;
    }
  }
  inexact_ += d * sign;
  float_terms_ += sign;
  if (float_terms_ == 0)
    inexact_ = 0;
}

double ExactSum::value() const {
  if (scaled_ >= INT64_MIN && scaled_ <= INT64_MAX) {
    // The common case, with a 64-bit division (the 128-bit one is a library call).
    auto scaled = static_cast<int64_t>(scaled_);
    return static_cast<double>(scaled / kScale) +
           static_cast<double>(scaled % kScale) / static_cast<double>(kScale) + inexact_;
  }
  __int128 whole = scaled_ / kScale;
  __int128 frac = scaled_ % kScale;
  return static_cast<double>(whole) + static_cast<double>(frac) / static_cast<double>(kScale) +
         inexact_;
}

namespace {

class CountAccumulator final : public Accumulator {
 public:
  explicit CountAccumulator(bool count_nulls) : count_nulls_(count_nulls) {}
  void add(const Value& v) override { n_ += (count_nulls_ || !v.isNull()) ? 1 : 0; }
  void remove(const Value& v) override { n_ -= (count_nulls_ || !v.isNull()) ? 1 : 0; }
  Value result() const override { return Value(n_); }

 private:
  bool count_nulls_;
  int64_t n_ = 0;
};

class SumAccumulator final : public Accumulator {
 public:
  explicit SumAccumulator(bool average) : average_(average) {}
  void add(const Value& v) override { update(v, 1); }
  void remove(const Value& v) override { update(v, -1); }
  Value result() const override {
    if (average_) {
      return n_ == 0 ? Value() : Value(sum_.value() / static_cast<double>(n_));
    }
    // Drasi's sum() is always a float, even over integers.
    return Value(sum_.value());
  }

 private:
  void update(const Value& v, int sign) {
    if (!v.isNumber())
      return;
    sum_.add(v, sign);
    n_ += sign;
  }
  bool average_;
  ExactSum sum_;
  int64_t n_ = 0;
};

class MultisetAccumulator final : public Accumulator {
 public:
  explicit MultisetAccumulator(AggregateKind kind) : kind_(kind) {}
  void add(const Value& v) override {
    if (!v.isNull())
      ++values_[v];
  }
  void remove(const Value& v) override {
    auto it = values_.find(v);
    if (it != values_.end() && --it->second == 0)
      values_.erase(it);
  }
  Value result() const override {
    if (kind_ == AggregateKind::Collect) {
      core::List out;
      for (const auto& [v, n] : values_)
        out.insert(out.end(), static_cast<size_t>(n), v);
      return Value(std::move(out));
    }
    if (values_.empty())
      return Value();
    return kind_ == AggregateKind::Min ? values_.begin()->first : values_.rbegin()->first;
  }

 private:
  AggregateKind kind_;
  std::map<Value, int64_t> values_;
};

//! Feeds each distinct value to the inner accumulator once, however many rows carry it.
//! Strings (the common case: names, ids) are counted in a hash map; a string equals only a
//! string, so the split is exact. Other values keep Cypher's equality (1 = 1.0) in an ordered
//! map.
class DistinctAccumulator final : public Accumulator {
 public:
  explicit DistinctAccumulator(AccumulatorPtr inner) : inner_(std::move(inner)) {}
  void add(const Value& v) override {
    if (v.isNull())
      return;
    if (v.isString()) {
      auto [it, inserted] = strings_.try_emplace(v.asString(), 0);
      if (++it->second == 1)
        inner_->add(v);
      return;
    }
    if (++others_[v] == 1)
      inner_->add(v);
  }
  void remove(const Value& v) override {
    if (v.isString()) {
      auto it = strings_.find(v.asString());
      if (it != strings_.end() && --it->second == 0) {
        strings_.erase(it);
        inner_->remove(v);
      }
      return;
    }
    auto it = others_.find(v);
    if (it == others_.end())
      return;
    if (--it->second == 0) {
      others_.erase(it);
      inner_->remove(v);
    }
  }
  Value result() const override { return inner_->result(); }

 private:
  AccumulatorPtr inner_;
  boost::unordered_flat_map<std::string, int64_t> strings_;
  std::map<Value, int64_t> others_;
};

}  // namespace

AccumulatorPtr makeAccumulator(const AggregateSpec& spec) {
  AccumulatorPtr acc;
  switch (spec.kind) {
    case AggregateKind::Count:
      acc = std::make_unique<CountAccumulator>(!spec.argument);
      break;
    case AggregateKind::Sum:
      acc = std::make_unique<SumAccumulator>(false);
      break;
    case AggregateKind::Avg:
      acc = std::make_unique<SumAccumulator>(true);
      break;
    case AggregateKind::Min:
    case AggregateKind::Max:
    case AggregateKind::Collect:
      acc = std::make_unique<MultisetAccumulator>(spec.kind);
      break;
  }
  if (spec.distinct)
    acc = std::make_unique<DistinctAccumulator>(std::move(acc));
  return acc;
}

}  // namespace livedash::engine
