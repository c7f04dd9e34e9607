// tests/unit/core/decimal_test.cpp
#include "core/decimal.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/value.hpp"

namespace livedash::core {
namespace {

Decimal dec(std::string_view text) {
  std::optional<Decimal> d = parseDecimal(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Decimal{});
}

TEST(Decimal, ParseAndFormatRoundTrip) {
  for (const char* text :
       {"0", "-0.5", "129.99", "12345678901234567890.123456789", "1", "-1",
        "0.00000000000000000000000000000000000001", "99999999999999999999999999999999999999",
        "-9999999999999999999.9999999999999999999"}) {
    EXPECT_EQ(formatDecimal(dec(text)), text);
  }
  // Trailing fraction zeros, leading zeros, a sign: normalised away.
  EXPECT_EQ(formatDecimal(dec("-123.4500")), "-123.45");
  EXPECT_EQ(formatDecimal(dec("129.90")), "129.9");
  EXPECT_EQ(formatDecimal(dec("100.000")), "100");
  EXPECT_EQ(formatDecimal(dec("-0.000")), "0");
  EXPECT_EQ(formatDecimal(dec("+007.50")), "7.5");
  EXPECT_EQ(dec("1.50"), (Decimal{15, 1}));
  // 38 significant digits fit; 39 do not, however they are split.
  EXPECT_TRUE(parseDecimal(std::string(38, '9')));
  EXPECT_TRUE(parseDecimal("0." + std::string(38, '9')));
  EXPECT_TRUE(parseDecimal(std::string(20, '1') + "." + std::string(18, '2') + "000"));
  EXPECT_FALSE(parseDecimal(std::string(39, '9')));
  EXPECT_FALSE(parseDecimal(std::string(20, '1') + "." + std::string(19, '2')));
  EXPECT_FALSE(parseDecimal("0." + std::string(38, '0') + "1"));  // scale 39
  for (const char* bad : {"", "-", ".", "1e5", "1.2.3", "abc", "NaN", "Infinity", " 1", "1 "}) {
    EXPECT_FALSE(parseDecimal(bad)) << bad;
  }
}

TEST(Decimal, ArithmeticIsExact) {
  EXPECT_EQ(addDecimal(dec("0.1"), dec("0.2")), dec("0.3"));
  EXPECT_EQ(subtractDecimal(dec("0.3"), dec("0.1")), dec("0.2"));
  EXPECT_EQ(multiplyDecimal(dec("1.1"), dec("1.1")), dec("1.21"));
  EXPECT_EQ(addDecimal(dec("129.90"), dec("0.10")), dec("130"));
  EXPECT_EQ(addDecimal(dec("12345678901234567890.123456789"), dec("0.876543211")),
            dec("12345678901234567891"));
  EXPECT_EQ(multiplyDecimal(dec("-12345678901234567890"), dec("0.5")), dec("-6172839450617283945"));
  // Past 38 digits: no result, the caller falls back to double.
  EXPECT_FALSE(addDecimal(dec(std::string(38, '9')), dec("1")));
  EXPECT_FALSE(multiplyDecimal(dec("0." + std::string(20, '1')), dec("0." + std::string(20, '1'))));
  EXPECT_FALSE(multiplyDecimal(dec(std::string(20, '9')), dec(std::string(20, '9'))));
  EXPECT_EQ(negateDecimal(dec("1.5")), dec("-1.5"));
  EXPECT_EQ(truncateDecimal(dec("-7.9")), dec("-7"));
  EXPECT_EQ(decimalToInteger(dec("42")), 42);
  EXPECT_EQ(decimalToInteger(dec("42.5")), std::nullopt);
  EXPECT_EQ(decimalToInteger(dec("9223372036854775808")), std::nullopt);
  EXPECT_EQ(decimalToDouble(dec("129.99")), 129.99);
  EXPECT_EQ(decimalToDouble(dec("0.1")), 0.1);
  EXPECT_EQ(decimalToDouble(dec("12345678901234567890.123456789")), 12345678901234567890.123456789);
}

TEST(Decimal, ComparesExactlyWithIntegersAndDoubles) {
  EXPECT_EQ(compareDecimal(dec("1.00"), int64_t{1}), std::strong_ordering::equal);
  EXPECT_EQ(compareDecimal(dec("-0.5"), int64_t{0}), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("-0.5"), int64_t{-1}), std::strong_ordering::greater);
  EXPECT_EQ(compareDecimal(dec("0.5"), 0.5), std::strong_ordering::equal);
  EXPECT_EQ(compareDecimal(dec("100.5"), 100.5), std::strong_ordering::equal);
  EXPECT_EQ(compareDecimal(dec("100.51"), 100.5), std::strong_ordering::greater);
  EXPECT_EQ(compareDecimal(dec("-100.51"), -100.5), std::strong_ordering::less);
  // The double 0.1 is 0.1000000000000000055511151231257827...: above the decimal 0.1.
  EXPECT_EQ(compareDecimal(dec("0.1"), 0.1), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("0.1000000000000000055511151231257827021"), 0.1),
            std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("0.1000000000000000055511151231257827022"), 0.1),
            std::strong_ordering::greater);
  // The double 1e38 is 99999999999999997748809823456034029568, below 38 nines.
  EXPECT_EQ(compareDecimal(dec(std::string(38, '9')), 1e38), std::strong_ordering::greater);
  EXPECT_EQ(compareDecimal(dec("99999999999999997748809823456034029568"), 1e38),
            std::strong_ordering::equal);
  EXPECT_EQ(compareDecimal(dec("99999999999999997748809823456034029567"), 1e38),
            std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("1"), 1e39), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("-" + std::string(38, '9')), -1e300), std::strong_ordering::greater);
  EXPECT_EQ(compareDecimal(dec("0"), 1e-300), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("0.00000000000000000000000000000000000001"), 1e-300),
            std::strong_ordering::greater);
  EXPECT_EQ(compareDecimal(dec("5"), std::nan("")), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("1.5"), dec("1.50")), std::strong_ordering::equal);
  EXPECT_EQ(compareDecimal(dec("1.05"), dec("1.5")), std::strong_ordering::less);
  EXPECT_EQ(compareDecimal(dec("-1.05"), dec("-1.5")), std::strong_ordering::greater);
  EXPECT_EQ(compareIntegerDouble(9007199254740993, 9007199254740992.0),
            std::strong_ordering::greater);
  EXPECT_EQ(compareIntegerDouble(-3, -2.5), std::strong_ordering::less);
}

TEST(Decimal, ValuesOfEveryNumberKindCompareAndHashByValue) {
  EXPECT_EQ(Value(dec("1.00")), Value(1));
  EXPECT_EQ(Value(dec("1.00")), Value(1.0));
  EXPECT_EQ(Value(dec("1.00")).hash(), Value(1).hash());
  EXPECT_EQ(Value(dec("2.5")), Value(2.5));
  EXPECT_EQ(Value(dec("2.5")).hash(), Value(2.5).hash());
  EXPECT_EQ(Value(Decimal{1250, 3}), Value(dec("1.25")));
  EXPECT_EQ(Value(Decimal{1250, 3}).hash(), Value(dec("1.25")).hash());
  // A float literal means the decimal written the same way: `o.total = 129.99` matches.
  EXPECT_EQ(Value(dec("0.1")), Value(0.1));
  EXPECT_EQ(Value(dec("129.99")), Value(129.99));
  EXPECT_EQ(Value(dec("129.99")).hash(), Value(129.99).hash());
  EXPECT_LT(Value(dec("0.3")), Value(0.1 + 0.2));
  EXPECT_EQ(Value(dec("12345678901234567890")), Value(dec("12345678901234567890.000")));
  EXPECT_EQ(Value(dec("1180591620717411303424")), Value(1180591620717411303424.0));  // 2^70
  EXPECT_EQ(Value(dec("1180591620717411303424")).hash(), Value(1180591620717411303424.0).hash());
  EXPECT_EQ(Value::kindName(ValueKind::Decimal), std::string("FLOAT"));
  EXPECT_TRUE(Value(dec("1.5")).isNumber());
  EXPECT_EQ(Value(dec("1.5")).asNumber(), 1.5);
  // Large integers against doubles compare exactly too (no rounding through double).
  EXPECT_NE(Value(int64_t{9007199254740993}), Value(9007199254740992.0));

  // A strict weak order across kinds: sorting a mix agrees with the pairwise relation.
  std::vector<Value> values = {Value(0.1),
                               Value(dec("0.1")),
                               Value(1),
                               Value(dec("1.0")),
                               Value(1.0),
                               Value(-2.5),
                               Value(dec("-2.5")),
                               Value(dec("-2.50001")),
                               Value(std::nan("")),
                               Value(int64_t{-3}),
                               Value(dec("0.3")),
                               Value(0.1 + 0.2),
                               Value(0)};
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(values.begin(), values.end(), rng);
    std::sort(values.begin(), values.end());
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = i; j < values.size(); ++j) {
        EXPECT_TRUE(values[i] <= values[j]) << toJson(values[i]) << " " << toJson(values[j]);
        EXPECT_TRUE(values[j] >= values[i]);
        if (values[i] == values[j]) {
          EXPECT_EQ(values[i].hash(), values[j].hash());
        }
      }
    }
  }
}

TEST(Decimal, JsonPrintsTheExactDigits) {
  EXPECT_EQ(toJson(Value(dec("129.99"))), "129.99");
  EXPECT_EQ(toJson(Value(dec("129.90"))), "129.9");
  EXPECT_EQ(toJson(Value(dec("-0.5"))), "-0.5");
  EXPECT_EQ(toJson(Value(dec("123456789012345678901234567890.12"))),
            "123456789012345678901234567890.12");
  EXPECT_EQ(toJson(Value(List{Value(dec("0.1")), Value(dec("7"))})), "[0.1,7.0]");
}

}  // namespace
}  // namespace livedash::core
