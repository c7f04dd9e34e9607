// src/engine/ops/accumulator.cpp
#include "engine/ops/accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/unordered/unordered_flat_map.hpp>

namespace livedash::engine {

using core::Value;

std::optional<__int128> ExactSum::scaled(const Value& v) {
  if (v.isInteger())
    return static_cast<__int128>(v.asInteger()) * kScale;
  if (v.isDecimal()) {
    // Exact when it has at most 6 fraction digits (the scaled grid) and a modest magnitude.
    core::Decimal dec = v.asDecimal();
    constexpr __int128 kMaxTerm = static_cast<__int128>(1'000'000'000'000'000'000) * 1'000'000;
    if (dec.scale <= 6 && dec.unscaled < kMaxTerm && dec.unscaled > -kMaxTerm) {
      __int128 r = dec.unscaled;
      for (int32_t i = dec.scale; i < 6; ++i)
        r *= 10;
      return r;
    }
  }
  if (!v.isNumber())
    return std::nullopt;
  double d = v.asNumber();
  double scaled = d * static_cast<double>(kScale);
  if (std::isfinite(scaled) && std::fabs(scaled) < 9e18) {
    int64_t r = std::llround(scaled);
    if (static_cast<double>(r) / static_cast<double>(kScale) == d)
      return r;
  }
  return std::nullopt;
}

void ExactSum::add(const Value& v, int sign) {
  if (std::optional<__int128> r = scaled(v)) {
    scaled_ += *r * sign;
    had_fraction_ = had_fraction_ || *r % kScale != 0;
    return;
  }
  double d = v.asNumber();
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

//! The least-squares slope of y over x. Points on ExactSum's decimal grid (integers, money) are
//! summed exactly as scaled integers, products included, so the slope depends only on the points
//! present, not on the order they came and went in. Other points go to float sums.
class LinearGradientAccumulator final : public Accumulator {
 public:
  void add(const Value& v) override { update(v, 1); }
  void remove(const Value& v) override { update(v, -1); }
  Value result() const override {
    const int64_t n = exact_.n + inexact_.n;
    if (n < 2)
      return Value();
    if (inexact_.n == 0) {
      // The sums are exact, so this is a function of the points alone. (In long double: the
      // products of sums could overflow 128 bits.)
      using Wide = long double;
      const Wide wn = static_cast<Wide>(exact_.n);
      const Wide sx = static_cast<Wide>(exact_.sx);
      const Wide denominator = wn * static_cast<Wide>(exact_.sxx) - sx * sx;
      if (denominator == 0)
        return Value();  // every x is the same: no slope
      const Wide numerator = wn * static_cast<Wide>(exact_.sxy) - sx * static_cast<Wide>(exact_.sy);
      return Value(static_cast<double>(numerator / denominator));
    }
    const double scale = static_cast<double>(kScale);
    const double dn = static_cast<double>(n);
    const double sx = static_cast<double>(exact_.sx) / scale + inexact_.sx;
    const double sy = static_cast<double>(exact_.sy) / scale + inexact_.sy;
    const double sxx = static_cast<double>(exact_.sxx) / (scale * scale) + inexact_.sxx;
    const double sxy = static_cast<double>(exact_.sxy) / (scale * scale) + inexact_.sxy;
    const double denominator = dn * sxx - sx * sx;
    if (std::fabs(denominator) <= 1e-12 * std::max(1.0, dn * sxx))
      return Value();
    return Value((dn * sxy - sx * sy) / denominator);
  }

 private:
  static constexpr int64_t kScale = 1'000'000;
  template <typename Number>
  struct Sums {
    int64_t n = 0;
    Number sx{}, sy{}, sxx{}, sxy{};
    void add(Number x, Number y, int sign) {
      n += sign;
      sx += x * sign;
      sy += y * sign;
      sxx += x * x * sign;
      sxy += x * y * sign;
    }
  };

  void update(const Value& v, int sign) {
    if (!v.isList() || v.asList().size() != 2)
      return;
    const Value& x = v.asList()[0];
    const Value& y = v.asList()[1];
    if (!x.isNumber() || !y.isNumber())
      return;
    std::optional<__int128> xs = ExactSum::scaled(x);
    std::optional<__int128> ys = ExactSum::scaled(y);
    // Up to a million (ids, money): a square summed over a billion points stays in 128 bits.
    constexpr __int128 kExactLimit = static_cast<__int128>(kScale) * 1'000'000;
    auto small = [&](const std::optional<__int128>& s) {
      return s && *s <= kExactLimit && *s >= -kExactLimit;
    };
    if (small(xs) && small(ys)) {
      exact_.add(*xs, *ys, sign);
    } else {
      inexact_.add(x.asNumber(), y.asNumber(), sign);
      if (inexact_.n == 0)
        inexact_ = {};  // no float point left: no residue either
    }
  }
  Sums<__int128> exact_;
  Sums<double> inexact_;
};

//! Drasi's `drasi.last`: the value most recently added. A contribution that leaves does not
//! bring back an older one (there is no order to go back in), so the value stays until a newer
//! one arrives or the group has no non-null contribution left.
class LastAccumulator final : public Accumulator {
 public:
  void add(const Value& v) override {
    if (v.isNull())
      return;
    last_ = v;
    ++n_;
  }
  void remove(const Value& v) override {
    if (!v.isNull() && --n_ == 0)
      last_ = Value();
  }
  Value result() const override { return last_; }

 private:
  Value last_;
  int64_t n_ = 0;
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
    case AggregateKind::LinearGradient:
      acc = std::make_unique<LinearGradientAccumulator>();
      break;
    case AggregateKind::Last:
      acc = std::make_unique<LastAccumulator>();
      break;
  }
  if (spec.distinct)
    acc = std::make_unique<DistinctAccumulator>(std::move(acc));
  return acc;
}

}  // namespace livedash::engine
