// builtins_test.cc — the §4 functions as the VM's CALL runs them: stable ids and names, and each
// function over every kind plus the §13 edge cases (decimal strings, truncation, overflow, UTF-8).
#include "vm/builtins.h"

#include "tests/support/values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "vm/time_text.h"

namespace laud::vm {
namespace {

using namespace test_values;
using test_values::Same;

class BuiltinsTest : public testing::Test {
 protected:
  Value call(Builtin b, const Value& v) { return call_builtin(b, v, arena_); }
  Arena arena_;
  Lists L;
};

// ---------------------------------------------------------------- names and ids

TEST(BuiltinNames, StableIdsAreTheBytecodeFormat) {
  struct Row {
    const char* name;
    Builtin b;
    uint32_t id;
  };
  const Row rows[] = {{"exists", Builtin::kExists, 0}, {"lower", Builtin::kLower, 1}, {"upper", Builtin::kUpper, 2},
                      {"len", Builtin::kLen, 3},       {"time", Builtin::kTime, 4},   {"int", Builtin::kInt, 5},
                      {"float", Builtin::kFloat, 6},   {"string", Builtin::kString, 7}};
  EXPECT_EQ(kBuiltinCount, 8u);
  for (const Row& r : rows) {
    EXPECT_EQ(static_cast<uint32_t>(r.b), r.id) << r.name;
    EXPECT_EQ(builtin_by_name(r.name), r.b) << r.name;
    EXPECT_EQ(builtin_name(r.b), r.name);
    EXPECT_EQ(builtin_from_id(r.id), r.b);
  }
  EXPECT_EQ(builtin_from_id(8), std::nullopt);
  EXPECT_EQ(builtin_from_id(255), std::nullopt);
  EXPECT_EQ(builtin_from_id(0xFFFFFFFFu), std::nullopt);
  EXPECT_EQ(builtin_by_name("count"), std::nullopt);  // an aggregate, not a builtin
  EXPECT_EQ(builtin_by_name("Lower"), std::nullopt);
  EXPECT_EQ(builtin_by_name(""), std::nullopt);
  EXPECT_EQ(builtin_by_name("len "), std::nullopt);
  EXPECT_EQ(builtin_name(static_cast<Builtin>(200)), "?");
}

TEST_F(BuiltinsTest, InvalidIdGivesNull) {
  EXPECT_TRUE(Same(call(static_cast<Builtin>(8), I(1)), N()));
  EXPECT_TRUE(Same(call(static_cast<Builtin>(255), S("x")), N()));
}

// ---------------------------------------------------------------- exists

TEST_F(BuiltinsTest, Exists) {
  EXPECT_TRUE(Same(call(Builtin::kExists, N()), B(false)));
  for (const Value& v : {B(false), I(0), F(0.0), S(""), T("1970-01-01T00:00:00Z"), D(0), L({}), O()})
    EXPECT_TRUE(Same(call(Builtin::kExists, v), B(true))) << kind_name(v.kind);
}

// ---------------------------------------------------------------- lower / upper

TEST_F(BuiltinsTest, LowerUpperAsciiOnly) {
  EXPECT_TRUE(Same(call(Builtin::kLower, S("HeLLo World 42!")), S("hello world 42!")));
  EXPECT_TRUE(Same(call(Builtin::kUpper, S("HeLLo World 42!")), S("HELLO WORLD 42!")));
  // Non-ASCII letters stay as they are (É is C3 89, é is C3 A9).
  EXPECT_TRUE(Same(call(Builtin::kLower, S("\xC3\x89T\xC3\x89")), S("\xC3\x89t\xC3\x89")));
  EXPECT_TRUE(Same(call(Builtin::kUpper, S("\xC3\xA9t\xC3\xA9")), S("\xC3\xA9T\xC3\xA9")));
  EXPECT_TRUE(Same(call(Builtin::kUpper, S("@[`{")), S("@[`{")));  // neighbours of the letter ranges
  EXPECT_TRUE(Same(call(Builtin::kLower, S("@[`{")), S("@[`{")));
  EXPECT_TRUE(Same(call(Builtin::kLower, S("AZ")), S("az")));
  EXPECT_TRUE(Same(call(Builtin::kUpper, S("az")), S("AZ")));
  EXPECT_TRUE(Same(call(Builtin::kLower, S("")), S("")));
  EXPECT_TRUE(Same(call(Builtin::kLower, S(std::string_view("A\0B", 3))), S(std::string_view("a\0b", 3))));
  EXPECT_TRUE(Same(call(Builtin::kUpper, S("a\xFF")), S("A\xFF")));
  // Unchanged strings are returned as they are (no copy).
  Value done = S("already lower");
  EXPECT_EQ(call(Builtin::kLower, done).s, done.s);
  // The argument is not modified.
  std::string source = "MiXed";
  Value arg = S(source);
  EXPECT_TRUE(Same(call(Builtin::kLower, arg), S("mixed")));
  EXPECT_EQ(source, "MiXed");
  for (const Value& v : {N(), B(true), I(1), F(1.0), T("2026-01-01T00:00:00Z"), D(1), L({S("A")}), O()}) {
    EXPECT_TRUE(Same(call(Builtin::kLower, v), N())) << kind_name(v.kind);
    EXPECT_TRUE(Same(call(Builtin::kUpper, v), N())) << kind_name(v.kind);
  }
}

// ---------------------------------------------------------------- len

TEST_F(BuiltinsTest, LenCountsCodePointsAndElements) {
  EXPECT_TRUE(Same(call(Builtin::kLen, S("")), I(0)));
  EXPECT_TRUE(Same(call(Builtin::kLen, S("abc")), I(3)));
  EXPECT_TRUE(Same(call(Builtin::kLen, S("caf\xC3\xA9")), I(4)));                 // café
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xE2\x82\xAC")), I(1)));                // €
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xF0\x9F\x98\x80!")), I(2)));           // 😀!
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD")), I(2)));  // 👍🏽: two code points
  EXPECT_TRUE(Same(call(Builtin::kLen, S(std::string_view("a\0b", 3))), I(3)));
  // Ill-formed UTF-8: each maximal ill-formed subsequence is one (U+FFFD).
  EXPECT_TRUE(Same(call(Builtin::kLen, S("a\xFF" "b")), I(3)));
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\x80\x80")), I(2)));         // stray continuations
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xE2\x82")), I(1)));         // truncated 3-byte
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xE2\x82" "a")), I(2)));
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xC0\xAF")), I(2)));         // overlong
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xED\xA0\x80")), I(3)));     // surrogate
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xF4\x90\x80\x80")), I(4))); // above U+10FFFF
  EXPECT_TRUE(Same(call(Builtin::kLen, S("\xF0\x9F\x98")), I(1)));     // truncated 4-byte
  EXPECT_TRUE(Same(call(Builtin::kLen, L({})), I(0)));
  EXPECT_TRUE(Same(call(Builtin::kLen, L({N(), I(1), L({I(1), I(2)})})), I(3)));
  for (const Value& v : {N(), B(true), I(123), F(1.5), T("2026-01-01T00:00:00Z"), D(1), O()})
    EXPECT_TRUE(Same(call(Builtin::kLen, v), N())) << kind_name(v.kind);
}

// ---------------------------------------------------------------- time

TEST_F(BuiltinsTest, Time) {
  EXPECT_TRUE(Same(call(Builtin::kTime, S("2026-12-01T09:00:00Z")), T("2026-12-01T09:00:00Z")));
  EXPECT_TRUE(Same(call(Builtin::kTime, S("2026-12-01t10:00:00+01:00")), T("2026-12-01T09:00:00Z")));
  EXPECT_TRUE(Same(call(Builtin::kTime, S("2026-12-01T09:00:00.123456z")), T("2026-12-01T09:00:00.123Z")));
  EXPECT_TRUE(Same(call(Builtin::kTime, T("2026-12-01T09:00:00Z")), T("2026-12-01T09:00:00Z")));
  for (const char* bad : {"", "2026-12-01", "2026-12-01T09:00:00", "2026-12-01T09:00:60Z", " 2026-12-01T09:00:00Z",
                          "2026-02-30T00:00:00Z", "tomorrow"})
    EXPECT_TRUE(Same(call(Builtin::kTime, S(bad)), N())) << bad;
  for (const Value& v : {N(), B(true), I(1767225600000), F(1.5), D(1), L({}), O()})
    EXPECT_TRUE(Same(call(Builtin::kTime, v), N())) << kind_name(v.kind);
}

// ---------------------------------------------------------------- int

TEST_F(BuiltinsTest, IntFromNumbers) {
  EXPECT_TRUE(Same(call(Builtin::kInt, I(42)), I(42)));
  EXPECT_TRUE(Same(call(Builtin::kInt, I(kMin)), I(kMin)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(3.9)), I(3)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(-3.9)), I(-3)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(-0.5)), I(0)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(-0.0)), I(0)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(1e18)), I(1000000000000000000)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(-9223372036854775808.0)), I(kMin)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(9223372036854774784.0)), I(9223372036854774784)));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(9223372036854775808.0)), N()));  // 2^63
  EXPECT_TRUE(Same(call(Builtin::kInt, F(-9223372036854777856.0)), N()));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(1e300)), N()));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(std::numeric_limits<double>::infinity())), N()));
  EXPECT_TRUE(Same(call(Builtin::kInt, F(std::numeric_limits<double>::quiet_NaN())), N()));
}

TEST_F(BuiltinsTest, IntFromDecimalStrings) {
  struct Row {
    const char* text;
    std::optional<int64_t> want;
  };
  const Row rows[] = {
      {"0", 0},
      {"42", 42},
      {"-42", -42},
      {"-0", 0},
      {"007", 7},
      {"3.9", 3},
      {"-3.9", -3},
      {"3.0", 3},
      {"-0.999", 0},
      {"1.99999999999999999999999", 1},
      {"9223372036854775807", kMax},
      {"9223372036854775807.99", kMax},
      {"-9223372036854775808", kMin},
      {"-9223372036854775808.9", kMin},
      {"00000000000000000000000000009223372036854775807", kMax},
      {"9223372036854775808", std::nullopt},
      {"-9223372036854775809", std::nullopt},
      {"18446744073709551616", std::nullopt},
      {"99999999999999999999999999999", std::nullopt},
      {" 3", std::nullopt},
      {"3 ", std::nullopt},
      {"+3", std::nullopt},
      {"1e3", std::nullopt},
      {"1E3", std::nullopt},
      {"3.", std::nullopt},
      {".5", std::nullopt},
      {"-", std::nullopt},
      {"-.5", std::nullopt},
      {"--1", std::nullopt},
      {"", std::nullopt},
      {"1_000", std::nullopt},
      {"1,5", std::nullopt},
      {"0x10", std::nullopt},
      {"inf", std::nullopt},
      {"nan", std::nullopt},
      {"3.9.1", std::nullopt},
      {"\xD9\xA3", std::nullopt},  // Arabic-Indic digit three
  };
  for (const Row& r : rows) {
    Value got = call(Builtin::kInt, S(r.text));
    EXPECT_TRUE(Same(got, r.want ? I(*r.want) : N())) << '"' << r.text << '"';
  }
  EXPECT_TRUE(Same(call(Builtin::kInt, S(std::string_view("1\0", 2))), N()));
}

TEST_F(BuiltinsTest, IntOfOtherKindsIsNull) {
  for (const Value& v : {N(), B(true), B(false), T("2026-01-01T00:00:00Z"), D(1000), L({I(1)}), O()})
    EXPECT_TRUE(Same(call(Builtin::kInt, v), N())) << kind_name(v.kind);
}

// ---------------------------------------------------------------- float

TEST_F(BuiltinsTest, Float) {
  EXPECT_TRUE(Same(call(Builtin::kFloat, I(3)), F(3.0)));
  EXPECT_TRUE(Same(call(Builtin::kFloat, I(kMax)), F(9223372036854775808.0)));
  EXPECT_TRUE(Same(call(Builtin::kFloat, I(9007199254740993)), F(9007199254740992.0)));
  EXPECT_TRUE(Same(call(Builtin::kFloat, F(2.5)), F(2.5)));
  struct Row {
    const char* text;
    std::optional<double> want;
  };
  const Row rows[] = {
      {"3", 3.0},
      {"-3", -3.0},
      {"3.25", 3.25},
      {"-3.25", -3.25},
      {"0.1", 0.1},
      {"-0", -0.0},
      {"-0.0", -0.0},
      {"007.5", 7.5},
      {"9007199254740993", 9007199254740992.0},  // nearest, ties to even
      {"0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
       0.0},  // underflows: the nearest float is zero
      {"-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
       -0.0},
      {"1e400", std::nullopt},  // exponent form: rejected
      {" 3", std::nullopt},
      {"1e3", std::nullopt},
      {"+3", std::nullopt},
      {"3.", std::nullopt},
      {".5", std::nullopt},
      {"", std::nullopt},
      {"inf", std::nullopt},
      {"Infinity", std::nullopt},
      {"NaN", std::nullopt},
      {"0x1p3", std::nullopt},
  };
  for (const Row& r : rows) {
    Value got = call(Builtin::kFloat, S(r.text));
    EXPECT_TRUE(Same(got, r.want ? F(*r.want) : N())) << '"' << r.text << '"';
  }
  // The largest float, and just beyond it (rounds to infinity): null.
  EXPECT_TRUE(Same(call(Builtin::kFloat, S("17976931348623157" + std::string(292, '0'))), F(1.7976931348623157e308)));
  EXPECT_TRUE(Same(call(Builtin::kFloat, S("-17976931348623157" + std::string(292, '0') + ".5")),
                   F(-1.7976931348623157e308)));
  EXPECT_TRUE(Same(call(Builtin::kFloat, S("17976931348623159" + std::string(292, '0'))), N()));
  std::string huge(400, '9');
  EXPECT_TRUE(Same(call(Builtin::kFloat, S(huge)), N()));
  EXPECT_TRUE(Same(call(Builtin::kFloat, S("-" + huge + ".5")), N()));
  for (const Value& v : {N(), B(true), T("2026-01-01T00:00:00Z"), D(1000), L({F(1.0)}), O()})
    EXPECT_TRUE(Same(call(Builtin::kFloat, v), N())) << kind_name(v.kind);
}

// ---------------------------------------------------------------- string

TEST_F(BuiltinsTest, StringIsTheTextForm) {
  EXPECT_TRUE(Same(call(Builtin::kString, I(-42)), S("-42")));
  EXPECT_TRUE(Same(call(Builtin::kString, I(kMin)), S("-9223372036854775808")));
  EXPECT_TRUE(Same(call(Builtin::kString, F(2.0)), S("2.0")));
  EXPECT_TRUE(Same(call(Builtin::kString, F(150.5)), S("150.5")));
  EXPECT_TRUE(Same(call(Builtin::kString, F(1e21)), S("1e+21")));
  EXPECT_TRUE(Same(call(Builtin::kString, B(true)), S("true")));
  EXPECT_TRUE(Same(call(Builtin::kString, B(false)), S("false")));
  EXPECT_TRUE(Same(call(Builtin::kString, T("2026-11-26T10:00:00Z")), S("2026-11-26T10:00:00Z")));
  EXPECT_TRUE(Same(call(Builtin::kString, T("2026-11-26T10:00:00.25+01:00")), S("2026-11-26T09:00:00.250Z")));
  EXPECT_TRUE(Same(call(Builtin::kString, D(129600000)), S("1d12h")));
  EXPECT_TRUE(Same(call(Builtin::kString, D(90000)), S("1m30s")));
  EXPECT_TRUE(Same(call(Builtin::kString, D(0)), S("0s")));
  EXPECT_TRUE(Same(call(Builtin::kString, D(1500)), S("1.5s")));
  EXPECT_TRUE(Same(call(Builtin::kString, L({I(1), S("a"), B(true), N()})), S("[1,\"a\",true,null]")));
  EXPECT_TRUE(Same(call(Builtin::kString, L({})), S("[]")));
  Value s = S("as is \"\n\xFF");
  EXPECT_EQ(call(Builtin::kString, s).s, s.s);  // a string is its own text
  EXPECT_TRUE(Same(call(Builtin::kString, N()), N()));
  EXPECT_TRUE(Same(call(Builtin::kString, O()), N()));
}

}  // namespace
}  // namespace laud::vm
