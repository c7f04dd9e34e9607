// src/core/decimal.hpp
//
// Decimal is an exact base-10 number: unscaled / 10^scale, with at most 38 significant digits and
// a scale of 0..38. It carries PostgreSQL numeric values without rounding them to a double.
// Decimals are kept normalised (no trailing zeros in the fraction, zero has scale 0), so equal
// values have equal representations and print alike ("129.90" prints as "129.9").
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace livedash::core {

struct Decimal {
  __int128 unscaled = 0;
  int32_t scale = 0;
  bool operator==(const Decimal&) const = default;
};

inline constexpr int32_t kDecimalMaxDigits = 38;

//! Strips trailing fraction zeros. Precondition: a valid decimal (|unscaled| < 10^38,
//! 0 <= scale <= 38).
Decimal normalizeDecimal(Decimal d);

//! Parses `[-|+]digits[.digits]` (at least one digit, no exponent). nullopt when the text is not a
//! plain decimal, or when the value needs more than 38 significant digits or a scale above 38.
//! Leading zeros and trailing fraction zeros do not count. The result is normalised.
std::optional<Decimal> parseDecimal(std::string_view text);

//! Shortest exact text: "-0.5", "129.9", "100". Never an exponent.
std::string formatDecimal(Decimal d);
void appendDecimal(std::string& out, Decimal d);

//! Nearest double (correctly rounded).
double decimalToDouble(Decimal d);

//! The decimal equal to `i` (always exact).
inline Decimal decimalFromInteger(int64_t i) {
  return Decimal{i, 0};
}

//! The integer value when `d` is whole and fits in int64.
std::optional<int64_t> decimalToInteger(Decimal d);

//! Exact comparisons. A double compares by its exact binary value, so the decimal 0.1 is less
//! than the double 0.1 (which is 0.1000000000000000055...). NaN is greater than every decimal.
//! (Value's `==` and order compare a decimal with a float through the decimal's nearest double
//! instead, so that a float literal matches the decimal written the same way.)
std::strong_ordering compareDecimal(Decimal a, Decimal b);
std::strong_ordering compareDecimal(Decimal a, int64_t b);
std::strong_ordering compareDecimal(Decimal a, double b);
//! Exact int64 against double (NaN greatest), for Value's mixed Integer/Float order.
std::strong_ordering compareIntegerDouble(int64_t a, double b);

//! When `d` is exactly a double's value, that double.
std::optional<double> decimalExactDouble(Decimal d);

//! Exact arithmetic; nullopt when the result does not fit a Decimal (callers fall back to
//! double). Results are normalised.
std::optional<Decimal> addDecimal(Decimal a, Decimal b);
std::optional<Decimal> subtractDecimal(Decimal a, Decimal b);
std::optional<Decimal> multiplyDecimal(Decimal a, Decimal b);
Decimal negateDecimal(Decimal d);
//! Drops the fraction (rounds toward zero).
Decimal truncateDecimal(Decimal d);

//! Hash consistent with Value equality: the hash of the nearest double, as for integers and
//! floats.
size_t hashDecimal(Decimal d);

}  // namespace livedash::core
