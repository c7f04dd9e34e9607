// tests/unit/engine/text_and_scalar_functions_test.cpp
//
// The text and scalar functions Drasi registers, one by one, with NULL and mistyped input (NULL,
// never an error, so one bad row cannot stop a query) and wrong argument counts (an error when
// the query is added). Text positions count characters, not bytes.
#include <gtest/gtest.h>

#include "engine_test_util.hpp"

namespace livedash::engine {
namespace {

std::string eval(const std::string& expr) {
  return testing::evalOnOrder(expr);
}

TEST(TextFunctions, CountAndCutByCharacters) {
  EXPECT_EQ(eval("char_length('héllo') + character_length('日本')"), "7");
  EXPECT_EQ(eval("size('héllo')"), "5");
  EXPECT_EQ(eval("char_length(o.status)"), "7");
  EXPECT_EQ(eval("reverse('añb日')"), R"("日bña")");
  EXPECT_EQ(eval("left('héllo', 2) + '|' + right('héllo', 3)"), R"("hé|llo")");
  EXPECT_EQ(eval("substring('日本語テキスト', 2, 3)"), R"("語テキ")");
  EXPECT_EQ(eval("substring('héllo', 1)"), R"("éllo")");
  EXPECT_EQ(eval("substring('héllo', 9)"), R"("")");
  EXPECT_EQ(eval("split('aé', '')"), R"(["a","é"])");
  EXPECT_EQ(eval("left('ab', 9) + right('ab', 9)"), R"("abab")");
}

TEST(TextFunctions, EachOnOrdinaryText) {
  EXPECT_EQ(eval("toLower('AbC') + ltrim('  x ') + rtrim(' y  ')"), R"("abcx  y")");
  EXPECT_EQ(eval("reverse(o.tags)"), R"(["b","a"])");
  EXPECT_EQ(eval("replace('aaa', 'a', 'ab')"), R"("ababab")");
  EXPECT_EQ(eval("replace('abc', '', 'x')"), R"("abc")");
  EXPECT_EQ(eval("split('a,,b', ',')"), R"(["a","","b"])");
}

TEST(TextFunctions, NullOrMistypedInputGivesNull) {
  for (const char* call : {"toUpper(null)",
                           "toLower(1)",
                           "trim(o.missing)",
                           "ltrim(true)",
                           "rtrim([])",
                           "reverse(1)",
                           "left(null, 1)",
                           "left('a', -1)",
                           "right('a', null)",
                           "replace(null, 'a', 'b')",
                           "replace('a', 1, 'b')",
                           "split(null, ',')",
                           "split('a', null)",
                           "substring(null, 1)",
                           "substring('abc', 'x')",
                           "substring('abc', 1, 'x')",
                           "char_length(null)",
                           "char_length(o.tags)",
                           "character_length(12)",
                           "size(1)"}) {
    EXPECT_EQ(eval(call), "null") << call;
  }
}

TEST(ScalarFunctions, ConversionsAndTheirOrNullForms) {
  EXPECT_EQ(eval("[toInteger('7'), toIntegerOrNull('x'), toIntegerOrNull(2.9), toInteger(true)]"),
            "[7,null,2,1]");
  EXPECT_EQ(eval("[toFloat(2), toFloatOrNull('x'), toFloatOrNull('2.5')]"), "[2.0,null,2.5]");
  EXPECT_EQ(eval("[toBoolean('TRUE'), toBoolean('no'), toBooleanOrNull(0), toBooleanOrNull([])]"),
            "[true,null,false,null]");
  EXPECT_EQ(eval("[toString(null), toStringOrNull(1.5), toStringOrNull(duration('PT1M'))]"),
            R"([null,"1.5","PT1M"])");
  EXPECT_EQ(eval("[toInteger(null), toFloat(null), toBoolean(null)]"), "[null,null,null]");
}

TEST(ScalarFunctions, NullsListsAndNumbers) {
  EXPECT_EQ(eval("[nullIf(1, 1), nullIf(1, 2), nullIf(null, 1)]"), "[null,1,null]");
  EXPECT_EQ(eval("[isEmpty(''), isEmpty([]), isEmpty({}), isEmpty('a'), isEmpty(null)]"),
            "[true,true,true,false,null]");
  EXPECT_EQ(eval("[tail([1, 2, 3]), tail([]), tail(null)]"), "[[2,3],[],null]");
  EXPECT_EQ(eval("[head([]), last(null), coalesce(null, null)]"), "[null,null,null]");
  EXPECT_EQ(eval("[ceil(1.2), floor(-1.2), sqrt(16), ceil('x'), floor(null)]"),
            "[2.0,-2.0,4.0,null,null]");
  EXPECT_EQ(eval("[range(3, 1, -1), range(1, 3, 0), range(1, 'x')]"), "[[3,2,1],null,null]");
  EXPECT_EQ(eval("timestamp()"), "1700000000000");
}

TEST(ScalarFunctions, WrongArgumentCountsAreErrors) {
  EXPECT_EQ(testing::returnError("char_length()"), "`char_length` takes 1 argument, got 0 at 24");
  EXPECT_EQ(testing::returnError("character_length('a', 'b')"),
            "`character_length` takes 1 argument, got 2 at 24");
  EXPECT_EQ(testing::returnError("substring('a')"),
            "`substring` takes 2 to 3 arguments, got 1 at 24");
  EXPECT_EQ(testing::returnError("coalesce()"),
            "`coalesce` takes at least 1 argument, got 0 at 24");
  EXPECT_EQ(testing::returnError("reverse()"), "`reverse` takes 1 argument, got 0 at 24");
}

}  // namespace
}  // namespace livedash::engine
