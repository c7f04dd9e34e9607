// src/core/decimal.cpp
#include "core/decimal.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <functional>

#include <boost/multiprecision/cpp_int.hpp>

namespace livedash::core {
namespace {

using Int = __int128;
using UInt = unsigned __int128;

constexpr std::array<Int, kDecimalMaxDigits + 1> kPow10 = [] {
  std::array<Int, kDecimalMaxDigits + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) {
    p[i] = p[i - 1] * 10;
  }
  return p;
}();

constexpr Int kLimit = kPow10[kDecimalMaxDigits];  // |unscaled| must stay below 10^38

bool fits(Int u) {
  return u < kLimit && u > -kLimit;
}

std::strong_ordering orderOf(Int a, Int b) {
  return a < b ? std::strong_ordering::less
               : (a > b ? std::strong_ordering::greater : std::strong_ordering::equal);
}

//! floor(d) and the fraction's numerator over 10^scale, in [0, 10^scale).
void floorSplit(Decimal d, Int& whole, Int& fraction) {
  const Int p = kPow10[static_cast<size_t>(d.scale)];
  whole = d.unscaled / p;
  fraction = d.unscaled % p;
  if (fraction < 0) {
    whole -= 1;
    fraction += p;
  }
}

std::optional<Decimal> checked(Int unscaled, int32_t scale) {
  Decimal d = normalizeDecimal(Decimal{unscaled, scale});
  if (!fits(d.unscaled) || d.scale > kDecimalMaxDigits) {
    return std::nullopt;
  }
  return d;
}

//! Brings both to the larger scale; false on overflow.
bool align(Decimal a, Decimal b, Int& x, Int& y, int32_t& scale) {
  scale = std::max(a.scale, b.scale);
  return !__builtin_mul_overflow(a.unscaled, kPow10[static_cast<size_t>(scale - a.scale)], &x) &&
         !__builtin_mul_overflow(b.unscaled, kPow10[static_cast<size_t>(scale - b.scale)], &y);
}

}  // namespace

Decimal normalizeDecimal(Decimal d) {
  if (d.unscaled == 0) {
    return Decimal{0, 0};
  }
  while (d.scale > 0 && d.unscaled % 10 == 0) {
    d.unscaled /= 10;
    --d.scale;
  }
  return d;
}

std::optional<Decimal> parseDecimal(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  const auto allDigits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!allDigits(whole) || !allDigits(fraction) || whole.size() + fraction.size() == 0) {
    return std::nullopt;
  }
  while (!fraction.empty() && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  while (!whole.empty() && whole.front() == '0') {
    whole.remove_prefix(1);
  }
  if (fraction.size() > static_cast<size_t>(kDecimalMaxDigits)) {
    return std::nullopt;
  }
  size_t significant = whole.size() + fraction.size();
  if (whole.empty()) {
    significant = fraction.size() - std::min(fraction.size(), fraction.find_first_not_of('0'));
  }
  if (significant > static_cast<size_t>(kDecimalMaxDigits)) {
    return std::nullopt;
  }
  Int u = 0;
  for (char c : whole) {
    u = u * 10 + (c - '0');
  }
  for (char c : fraction) {
    u = u * 10 + (c - '0');
  }
  return normalizeDecimal(Decimal{negative ? -u : u, static_cast<int32_t>(fraction.size())});
}

void appendDecimal(std::string& out, Decimal d) {
  UInt magnitude = d.unscaled < 0 ? static_cast<UInt>(-d.unscaled) : static_cast<UInt>(d.unscaled);
  char buf[48];
  size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  while (n < static_cast<size_t>(d.scale) + 1) {
    buf[n++] = '0';
  }
  if (d.unscaled < 0) {
    out.push_back('-');
  }
  for (size_t i = n; i-- > 0;) {
    out.push_back(buf[i]);
    if (i == static_cast<size_t>(d.scale) && i != 0) {
      out.push_back('.');
    }
  }
}

std::string formatDecimal(Decimal d) {
  std::string out;
  appendDecimal(out, d);
  return out;
}

double decimalToDouble(Decimal d) {
  // Both operands exact in a double, so the one division rounds correctly.
  constexpr Int kExactMantissa = Int{1} << 53;
  if (d.unscaled < kExactMantissa && d.unscaled > -kExactMantissa && d.scale <= 22) {
    constexpr std::array<double, 23> kExactPow10 = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(d.unscaled) / kExactPow10[static_cast<size_t>(d.scale)];
  }
  return std::strtod(formatDecimal(d).c_str(), nullptr);
}

std::optional<int64_t> decimalToInteger(Decimal d) {
  d = normalizeDecimal(d);
  if (d.scale != 0 || d.unscaled > INT64_MAX || d.unscaled < INT64_MIN) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d.unscaled);
}

std::strong_ordering compareDecimal(Decimal a, Decimal b) {
  Int aw = 0;
  Int af = 0;
  Int bw = 0;
  Int bf = 0;
  floorSplit(a, aw, af);
  floorSplit(b, bw, bf);
  if (aw != bw) {
    return orderOf(aw, bw);
  }
  const int32_t scale = std::max(a.scale, b.scale);
  // Fractions are below 10^scale <= 10^38 once aligned: no overflow.
  return orderOf(af * kPow10[static_cast<size_t>(scale - a.scale)],
                 bf * kPow10[static_cast<size_t>(scale - b.scale)]);
}

std::strong_ordering compareDecimal(Decimal a, int64_t b) {
  Int whole = 0;
  Int fraction = 0;
  floorSplit(a, whole, fraction);
  if (whole != b) {
    return orderOf(whole, b);
  }
  return fraction > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

std::strong_ordering compareDecimal(Decimal a, double b) {
  if (std::isnan(b)) {
    return std::strong_ordering::less;
  }
  // |a| < 10^38 < 2^127: anything at least 2^127 in magnitude (infinity too) is beyond it.
  constexpr double kTwo127 = 170141183460469231731687303715884105728.0;
  if (b >= kTwo127) {
    return std::strong_ordering::less;
  }
  if (b <= -kTwo127) {
    return std::strong_ordering::greater;
  }
  Int whole = 0;
  Int fraction = 0;
  floorSplit(a, whole, fraction);
  const double b_floor = std::floor(b);
  const Int b_whole = static_cast<Int>(b_floor);  // exact: an integral double below 2^127
  if (whole != b_whole) {
    return orderOf(whole, b_whole);
  }
  // Same integer part: compare fraction / 10^scale with f = b - floor(b), exact, in [0, 1).
  const double f = b - b_floor;
  if (f == 0) {
    return fraction > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
  }
  if (a.scale == 0 || f < 1e-39) {
    // The decimal's fraction is 0 or at least 10^-38 > f.
    return fraction > 0 ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  // f = m * 2^-k exactly. Compare fraction with t = f * 10^s = m * 5^s * 2^(s-k).
  int exponent = 0;
  const double mantissa = std::frexp(f, &exponent);  // f = mantissa * 2^exponent
  const auto m = static_cast<uint64_t>(std::ldexp(mantissa, 53));
  const int k = 53 - exponent;  // f = m * 2^-k, k <= 53 + 130
  using boost::multiprecision::uint256_t;
  uint256_t p = m;
  for (int32_t i = 0; i < a.scale; ++i) {
    p *= 5;
  }
  const int shift = k - a.scale;
  uint256_t t = p;
  bool remainder = false;
  if (shift > 0) {
    t = p >> shift;
    remainder = (t << shift) != p;
  } else {
    t = p << -shift;
  }
  const uint256_t r = static_cast<UInt>(fraction);
  if (r != t) {
    return r < t ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return remainder ? std::strong_ordering::less : std::strong_ordering::equal;
}

std::strong_ordering compareIntegerDouble(int64_t a, double b) {
  if (std::isnan(b)) {
    return std::strong_ordering::less;
  }
  constexpr double kTwo63 = 9223372036854775808.0;
  if (b >= kTwo63) {
    return std::strong_ordering::less;
  }
  if (b < -kTwo63) {
    return std::strong_ordering::greater;
  }
  const double b_floor = std::floor(b);
  const auto b_whole = static_cast<int64_t>(b_floor);
  if (a != b_whole) {
    return a <=> b_whole;
  }
  return b > b_floor ? std::strong_ordering::less : std::strong_ordering::equal;
}

std::optional<double> decimalExactDouble(Decimal d) {
  const double x = decimalToDouble(d);
  if (compareDecimal(d, x) == 0) {
    return x;
  }
  return std::nullopt;
}

std::optional<Decimal> addDecimal(Decimal a, Decimal b) {
  Int x = 0;
  Int y = 0;
  int32_t scale = 0;
  Int sum = 0;
  if (!align(a, b, x, y, scale) || __builtin_add_overflow(x, y, &sum)) {
    return std::nullopt;
  }
  return checked(sum, scale);
}

std::optional<Decimal> subtractDecimal(Decimal a, Decimal b) {
  return addDecimal(a, negateDecimal(b));
}

std::optional<Decimal> multiplyDecimal(Decimal a, Decimal b) {
  Int product = 0;
  if (__builtin_mul_overflow(a.unscaled, b.unscaled, &product)) {
    return std::nullopt;
  }
  return checked(product, a.scale + b.scale);
}

Decimal negateDecimal(Decimal d) {
  return Decimal{-d.unscaled, d.scale};
}

Decimal truncateDecimal(Decimal d) {
  return Decimal{d.unscaled / kPow10[static_cast<size_t>(d.scale)], 0};
}

size_t hashDecimal(Decimal d) {
  // A decimal equals a float with the same nearest double, and an integer of the same value,
  // whose hash is that of its double too.
  return std::hash<double>{}(decimalToDouble(d));
}

}  // namespace livedash::core
