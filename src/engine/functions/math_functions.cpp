// src/engine/functions/math_functions.cpp
//
// Trigonometric and logarithmic functions, and the random ones. Cypher's: NULL or a non-number
// gives NULL, and a result outside the reals (log of a negative) is NaN, as in Neo4j.
#include <cmath>
#include <numbers>
#include <random>

#include <fmt/format.h>

#include "engine/functions/function_registry.hpp"

namespace livedash::engine {

using core::Value;
using Args = std::vector<Value>;

namespace {

template <double (*F)(double)>
Value unary(const Args& a, const EvalContext&) {
  return a[0].isNumber() ? Value(F(a[0].asNumber())) : Value();
}

double cot(double x) {
  return 1.0 / std::tan(x);
}
double degrees(double radians) {
  return radians * 180.0 / std::numbers::pi;
}
double radians(double degrees) {
  return degrees * std::numbers::pi / 180.0;
}
double haversin(double x) {
  return (1.0 - std::cos(x)) / 2.0;
}
double sin(double x) {
  return std::sin(x);
}
double cos(double x) {
  return std::cos(x);
}
double tan(double x) {
  return std::tan(x);
}
double asin(double x) {
  return std::asin(x);
}
double acos(double x) {
  return std::acos(x);
}
double atan(double x) {
  return std::atan(x);
}
double exp(double x) {
  return std::exp(x);
}
double log(double x) {
  return std::log(x);
}
double log10(double x) {
  return std::log10(x);
}

Value atan2Of(const Args& a, const EvalContext&) {
  if (!a[0].isNumber() || !a[1].isNumber())
    return Value();
  return Value(std::atan2(a[0].asNumber(), a[1].asNumber()));
}

std::mt19937_64& randomEngine() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

Value randomFloat(const Args&, const EvalContext&) {
  return Value(std::uniform_real_distribution<double>(0.0, 1.0)(randomEngine()));
}

// Version 4 UUID: 122 random bits with the version and variant bits set.
Value randomUuid(const Args&, const EvalContext&) {
  uint64_t high = randomEngine()();
  uint64_t low = randomEngine()();
  high = (high & ~uint64_t{0xF000}) | 0x4000;
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  return Value(fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                           high & 0xFFFF, low >> 48, low & 0xFFFF'FFFF'FFFF));
}

}  // namespace

const std::vector<ScalarFunction>& mathFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"sin", 1, 1, "sine of an angle in radians", unary<sin>},
      {"cos", 1, 1, "cosine of an angle in radians", unary<cos>},
      {"tan", 1, 1, "tangent of an angle in radians", unary<tan>},
      {"cot", 1, 1, "cotangent of an angle in radians", unary<cot>},
      {"asin", 1, 1, "arcsine, in radians", unary<asin>},
      {"acos", 1, 1, "arccosine, in radians", unary<acos>},
      {"atan", 1, 1, "arctangent, in radians", unary<atan>},
      {"atan2", 2, 2, "atan2(y, x): the angle of the point (x, y), in radians", atan2Of},
      {"haversin", 1, 1, "half the versine of an angle in radians", unary<haversin>},
      {"degrees", 1, 1, "radians to degrees", unary<degrees>},
      {"radians", 1, 1, "degrees to radians", unary<radians>},
      {"pi", 0, 0, "the constant π",
       [](const Args&, const EvalContext&) { return Value(std::numbers::pi); }},
      {"e", 0, 0, "the constant e",
       [](const Args&, const EvalContext&) { return Value(std::numbers::e); }},
      {"exp", 1, 1, "e raised to the power of the argument", unary<exp>},
      {"log", 1, 1, "natural logarithm", unary<log>},
      {"log10", 1, 1, "base-10 logarithm", unary<log10>},
      {"rand", 0, 0, "a random float in [0, 1); a new one each time the row is evaluated",
       randomFloat, nullptr, false},
      {"randomUUID", 0, 0, "a random version 4 UUID; a new one each time the row is evaluated",
       randomUuid, nullptr, false},
  };
  return kFunctions;
}

}  // namespace livedash::engine
