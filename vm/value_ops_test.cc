// value_ops_test.cc — §3/§13 operator semantics on VM values: equality, order, membership,
// string tests and arithmetic, as exhaustive kind-pair tables plus the boundary cases
// (2^53 and 2^63 int/float comparisons, INT64 overflow, duration arithmetic, time/string coercion).
#include "vm/value_ops.h"

#include "tests/support/values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "vm/builtins.h"
#include "vm/text_form.h"
#include "vm/time_text.h"

namespace laud::vm {
namespace {

using namespace test_values;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------- equality

TEST(Equal, NumbersCompareMathematically) {
  EXPECT_TRUE(equal(I(1), F(1.0)));
  EXPECT_TRUE(equal(F(1.0), I(1)));
  EXPECT_FALSE(equal(I(1), F(1.5)));
  EXPECT_TRUE(equal(F(-0.0), F(0.0)));
  EXPECT_TRUE(equal(I(0), F(-0.0)));
  // 2^53 + 1 is no double: it must not round to 2^53.
  EXPECT_FALSE(equal(I(9007199254740993), F(9007199254740992.0)));
  EXPECT_FALSE(equal(F(9007199254740992.0), I(9007199254740993)));
  EXPECT_TRUE(equal(I(9007199254740992), F(9007199254740992.0)));
  EXPECT_TRUE(equal(I(9007199254740994), F(9007199254740994.0)));
  // 2^63 is one above INT64_MAX (which rounds to it as a double).
  EXPECT_FALSE(equal(I(kMax), F(9223372036854775808.0)));
  EXPECT_TRUE(equal(I(kMin), F(-9223372036854775808.0)));
  EXPECT_FALSE(equal(I(kMin + 1), F(-9223372036854775808.0)));
  EXPECT_FALSE(equal(I(kMax), F(kInf)));
  EXPECT_FALSE(equal(I(kMin), F(-kInf)));
  EXPECT_TRUE(equal(I(kMax), I(kMax)));
  EXPECT_FALSE(equal(I(kMax), I(kMin)));
}

TEST(Equal, NaNNeverEqualAndNoCrash) {
  EXPECT_FALSE(equal(F(kNaN), F(kNaN)));
  EXPECT_FALSE(equal(I(0), F(kNaN)));
  EXPECT_FALSE(equal(F(kNaN), I(0)));
  EXPECT_TRUE(not_equal(F(kNaN), F(kNaN)));
}

TEST(Equal, SameKinds) {
  Lists L;
  EXPECT_TRUE(equal(N(), N()));
  EXPECT_TRUE(equal(B(true), B(true)));
  EXPECT_FALSE(equal(B(true), B(false)));
  EXPECT_TRUE(equal(S("abc"), S("abc")));
  EXPECT_FALSE(equal(S("abc"), S("abd")));
  EXPECT_FALSE(equal(S("abc"), S("ab")));
  EXPECT_TRUE(equal(S(""), S("")));
  EXPECT_TRUE(equal(S(std::string_view("a\0b", 3)), S(std::string_view("a\0b", 3))));
  EXPECT_FALSE(equal(S(std::string_view("a\0b", 3)), S(std::string_view("a\0c", 3))));
  EXPECT_TRUE(equal(T("2026-01-01T00:00:00Z"), T("2026-01-01T01:00:00+01:00")));
  EXPECT_FALSE(equal(T("2026-01-01T00:00:00Z"), T("2026-01-01T00:00:00.001Z")));
  EXPECT_TRUE(equal(D(1000), D(1000)));
  EXPECT_FALSE(equal(D(1000), D(1001)));
  EXPECT_TRUE(equal(L({}), L({})));
  EXPECT_TRUE(equal(L({I(1), S("a"), N()}), L({F(1.0), S("a"), N()})));
  EXPECT_FALSE(equal(L({I(1), S("a")}), L({I(1), S("b")})));
  EXPECT_FALSE(equal(L({I(1)}), L({I(1), I(1)})));
  EXPECT_TRUE(equal(L({L({I(1), L({})})}), L({L({F(1.0), L({})})})));
  EXPECT_FALSE(equal(L({L({I(1)})}), L({L({I(2)})})));
  EXPECT_TRUE(equal(L({T("2026-01-01T00:00:00Z")}), L({S("2026-01-01T00:00:00Z")})));
}

TEST(Equal, ObjectsAreUnequalToEverythingEvenThemselves) {
  Lists L;
  Value o = O();
  EXPECT_FALSE(equal(o, o));
  EXPECT_TRUE(not_equal(o, o));
  EXPECT_FALSE(equal(O(&object_a), O(&object_b)));
  EXPECT_FALSE(equal(o, N()));
  EXPECT_FALSE(equal(N(), o));
  EXPECT_FALSE(equal(L({o}), L({o})));
}

TEST(Equal, TimeMeetsStringParsesIt) {
  Value t = T("2026-03-01T12:00:00Z");
  EXPECT_TRUE(equal(t, S("2026-03-01T12:00:00Z")));
  EXPECT_TRUE(equal(S("2026-03-01T12:00:00Z"), t));
  EXPECT_TRUE(equal(t, S("2026-03-01t13:30:00+01:30")));
  EXPECT_TRUE(equal(t, S("2026-03-01T12:00:00.000999z")));
  EXPECT_FALSE(equal(t, S("2026-03-01T12:00:01Z")));
  EXPECT_FALSE(equal(t, S("2026-03-01")));
  EXPECT_FALSE(equal(t, S("garbage")));
  EXPECT_FALSE(equal(t, S("")));
  EXPECT_TRUE(not_equal(t, S("garbage")));
  // Strings compare as strings with each other, durations do not parse.
  EXPECT_FALSE(equal(S("2026-03-01T12:00:00Z"), S("2026-03-01T13:00:00+01:00")));
  EXPECT_FALSE(equal(D(0), S("0s")));
}

// Every ordered pair of kinds: only null/null, int/float pairs, same kinds (not objects), and
// time/string may be equal at all.
TEST(Equal, KindPairTable) {
  Lists L;
  std::vector<Value> samples = {N(),     B(true),  I(1),         F(1.0), S("2026-01-01T00:00:00Z"),
                                T("2026-01-01T00:00:00Z"), D(1), L({}), O()};
  for (const Value& a : samples) {
    for (const Value& b : samples) {
      bool numbers = a.is_number() && b.is_number();
      bool time_string = (a.kind == Kind::kTime && b.kind == Kind::kString) ||
                         (a.kind == Kind::kString && b.kind == Kind::kTime);
      bool want = (a.kind == b.kind && a.kind != Kind::kObject) || numbers || time_string;
      EXPECT_EQ(equal(a, b), want) << kind_name(a.kind) << " == " << kind_name(b.kind);
      EXPECT_EQ(not_equal(a, b), !want) << kind_name(a.kind) << " != " << kind_name(b.kind);
    }
  }
  // Sanity: different kinds with "the same" payload are unequal.
  EXPECT_FALSE(equal(B(true), I(1)));
  EXPECT_FALSE(equal(I(0), N()));
  EXPECT_FALSE(equal(I(1000), D(1000)));
  EXPECT_FALSE(equal(I(1000), T("1970-01-01T00:00:01Z")));
  EXPECT_FALSE(equal(T("1970-01-01T00:00:01Z"), D(1000)));
  EXPECT_FALSE(equal(S("1"), I(1)));
  EXPECT_FALSE(equal(S("true"), B(true)));
  EXPECT_FALSE(equal(S(""), N()));
  EXPECT_FALSE(equal(L({I(1)}), I(1)));
}

// ---------------------------------------------------------------- order

struct Cmp {
  bool lt, le, gt, ge;
};
Cmp cmp(const Value& a, const Value& b) {
  return {less(a, b), less_equal(a, b), greater(a, b), greater_equal(a, b)};
}
void expect_order(const Value& a, const Value& b, Order want, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(compare(a, b), want);
  Cmp c = cmp(a, b);
  EXPECT_EQ(c.lt, want == Order::kLess);
  EXPECT_EQ(c.le, want == Order::kLess || want == Order::kEqual);
  EXPECT_EQ(c.gt, want == Order::kGreater);
  EXPECT_EQ(c.ge, want == Order::kGreater || want == Order::kEqual);
}

TEST(Order, IntsAndFloatsExactly) {
  expect_order(I(1), I(2), Order::kLess, "1<2");
  expect_order(I(kMin), I(kMax), Order::kLess, "min<max");
  expect_order(I(2), F(1.5), Order::kGreater, "2>1.5");
  expect_order(F(1.5), I(2), Order::kLess, "1.5<2");
  expect_order(I(1), F(1.0), Order::kEqual, "1==1.0");
  expect_order(I(-1), F(-1.5), Order::kGreater, "-1>-1.5");
  expect_order(I(-2), F(-1.5), Order::kLess, "-2<-1.5");
  expect_order(I(0), F(-0.0), Order::kEqual, "0==-0.0");
  expect_order(F(0.1), F(0.2), Order::kLess, "0.1<0.2");
  // 2^53 boundary: 9007199254740993 as a double would be 9007199254740992.
  expect_order(I(9007199254740993), F(9007199254740992.0), Order::kGreater, "2^53+1 > 2^53");
  expect_order(F(9007199254740992.0), I(9007199254740993), Order::kLess, "2^53 < 2^53+1");
  expect_order(I(9007199254740993), F(9007199254740994.0), Order::kLess, "2^53+1 < 2^53+2");
  expect_order(I(9007199254740992), F(9007199254740992.0), Order::kEqual, "2^53 == 2^53");
  expect_order(I(-9007199254740993), F(-9007199254740992.0), Order::kLess, "-(2^53+1) < -2^53");
  // 2^63 boundary.
  expect_order(I(kMax), F(9223372036854775808.0), Order::kLess, "max < 2^63");
  expect_order(I(kMax), F(9223372036854774784.0), Order::kGreater, "max > 2^63-1024");
  expect_order(I(kMin), F(-9223372036854775808.0), Order::kEqual, "min == -2^63");
  expect_order(I(kMin), F(-9223372036854777856.0), Order::kGreater, "min > -2^63-2048");
  expect_order(I(kMin + 1), F(-9223372036854775808.0), Order::kGreater, "min+1 > -2^63");
  expect_order(I(kMax), F(1e300), Order::kLess, "max < 1e300");
  expect_order(I(kMin), F(-1e300), Order::kGreater, "min > -1e300");
  expect_order(I(kMax), F(kInf), Order::kLess, "max < inf");
  expect_order(I(kMin), F(-kInf), Order::kGreater, "min > -inf");
  expect_order(I(0), F(5e-324), Order::kLess, "0 < denormal");
  expect_order(I(0), F(-5e-324), Order::kGreater, "0 > -denormal");
  expect_order(I(3), F(2.9999999999999996), Order::kGreater, "3 > 3-ulp");
}

TEST(Order, NaNIsUnordered) {
  expect_order(F(kNaN), F(1.0), Order::kUnordered, "nan,1.0");
  expect_order(I(1), F(kNaN), Order::kUnordered, "1,nan");
  expect_order(F(kNaN), I(1), Order::kUnordered, "nan,1");
  EXPECT_EQ(compare_int_float(0, kNaN), Order::kUnordered);
  EXPECT_EQ(compare_int_float(kMin, -kNaN), Order::kUnordered);
}

TEST(Order, StringsBytewise) {
  expect_order(S("a"), S("b"), Order::kLess, "a<b");
  expect_order(S("Z"), S("a"), Order::kLess, "Z<a");
  expect_order(S(""), S("a"), Order::kLess, "''<a");
  expect_order(S(""), S(""), Order::kEqual, "''==''");
  expect_order(S("ab"), S("a"), Order::kGreater, "ab>a");
  expect_order(S("abc"), S("abc"), Order::kEqual, "abc==abc");
  expect_order(S("\xC3\xA9"), S("z"), Order::kGreater, "é>z (unsigned bytes)");
  expect_order(S("\x7F"), S("\x80"), Order::kLess, "7f<80");
  expect_order(S(std::string_view("a\0", 2)), S("a"), Order::kGreater, "a\\0 > a");
  expect_order(S("10"), S("9"), Order::kLess, "'10'<'9'");
}

TEST(Order, TimesDurationsAndTimeStrings) {
  Value t = T("2026-03-01T12:00:00Z");
  expect_order(t, T("2026-03-01T12:00:00.001Z"), Order::kLess, "t<t+1ms");
  expect_order(t, t, Order::kEqual, "t==t");
  expect_order(D(-1), D(0), Order::kLess, "-1ms<0");
  expect_order(D(kMax), D(kMin), Order::kGreater, "dmax>dmin");
  expect_order(t, S("2026-03-01T12:00:01Z"), Order::kLess, "t<later string");
  expect_order(S("2026-03-01T12:00:01Z"), t, Order::kGreater, "later string>t");
  expect_order(t, S("2026-03-01T13:00:00+01:00"), Order::kEqual, "t==offset string");
  expect_order(t, S("nope"), Order::kUnordered, "t,nope");
  expect_order(S("nope"), t, Order::kUnordered, "nope,t");
  expect_order(D(1000), S("1s"), Order::kUnordered, "duration,string");
  expect_order(D(1000), I(1000), Order::kUnordered, "duration,int");
  expect_order(t, D(1000), Order::kUnordered, "time,duration");
  expect_order(t, I(0), Order::kUnordered, "time,int");
}

TEST(Order, KindPairTable) {
  Lists L;
  std::vector<Value> samples = {N(), B(true), I(1), F(1.0), S("2026-01-01T00:00:00Z"),
                                T("2026-01-01T00:00:00Z"), D(1), L({I(1)}), O()};
  for (const Value& a : samples) {
    for (const Value& b : samples) {
      bool numbers = a.is_number() && b.is_number();
      bool time_string = (a.kind == Kind::kTime && b.kind == Kind::kString) ||
                         (a.kind == Kind::kString && b.kind == Kind::kTime);
      bool same_ordered = a.kind == b.kind && (a.kind == Kind::kString || a.kind == Kind::kTime ||
                                               a.kind == Kind::kDuration);
      bool orderable = numbers || time_string || same_ordered;
      EXPECT_EQ(compare(a, b) != Order::kUnordered, orderable) << kind_name(a.kind) << " vs " << kind_name(b.kind);
      if (!orderable) {
        Cmp c = cmp(a, b);
        EXPECT_FALSE(c.lt || c.le || c.gt || c.ge) << kind_name(a.kind) << " vs " << kind_name(b.kind);
      }
    }
  }
  // null is never ordered, not even with itself; nor are bools or lists.
  expect_order(N(), N(), Order::kUnordered, "null,null");
  expect_order(B(false), B(true), Order::kUnordered, "false,true");
  expect_order(L({I(1)}), L({I(2)}), Order::kUnordered, "[1],[2]");
  expect_order(O(), O(), Order::kUnordered, "obj,obj");
}

// ---------------------------------------------------------------- membership, string tests

TEST(InList, Membership) {
  Lists L;
  EXPECT_TRUE(in_list(I(1), L({F(1.0), I(2)})));
  EXPECT_TRUE(in_list(F(2.0), L({I(1), I(2)})));
  EXPECT_FALSE(in_list(I(3), L({I(1), I(2)})));
  EXPECT_FALSE(in_list(I(1), L({})));
  EXPECT_TRUE(in_list(S("a"), L({S("b"), S("a")})));
  EXPECT_FALSE(in_list(S("a"), L({S("A")})));
  EXPECT_TRUE(in_list(N(), L({I(1), N()})));
  EXPECT_FALSE(in_list(N(), L({I(0), B(false), S("")})));
  EXPECT_TRUE(in_list(L({I(1)}), L({L({I(1)})})));
  EXPECT_FALSE(in_list(O(), L({O()})));
  EXPECT_FALSE(in_list(I(9007199254740993), L({F(9007199254740992.0)})));
  // Not a list: false.
  EXPECT_FALSE(in_list(S("a"), S("abc")));
  EXPECT_FALSE(in_list(N(), N()));
  EXPECT_FALSE(in_list(I(1), I(1)));
  EXPECT_FALSE(in_list(I(1), O()));
}

TEST(InList, TimesAndStringsMeet) {
  Lists L;
  Value t = T("2026-03-01T12:00:00Z");
  EXPECT_TRUE(in_list(t, L({S("x"), S("2026-03-01T12:00:00Z")})));
  EXPECT_FALSE(in_list(t, L({S("x"), S("2026-03-01T12:00:01Z")})));
  EXPECT_TRUE(in_list(S("2026-03-01T13:00:00+01:00"), L({I(1), t})));
  EXPECT_FALSE(in_list(S("garbage"), L({t, t})));
  EXPECT_TRUE(in_list(S("garbage"), L({t, S("garbage")})));
  EXPECT_FALSE(in_list(S("1"), L({I(1), F(1.0), N(), B(true), D(1), O()})));
  EXPECT_TRUE(in_list(S("2026-03-01T12:00:00Z"), L({T("2020-01-01T00:00:00Z"), t})));
}

TEST(Contains, StringsAndLists) {
  Lists L;
  EXPECT_TRUE(contains(S("hello"), S("ell")));
  EXPECT_TRUE(contains(S("hello"), S("hello")));
  EXPECT_TRUE(contains(S("hello"), S("")));
  EXPECT_TRUE(contains(S(""), S("")));
  EXPECT_FALSE(contains(S("hello"), S("Hell")));
  EXPECT_FALSE(contains(S("he"), S("hello")));
  EXPECT_TRUE(contains(S("caf\xC3\xA9"), S("\xA9")));  // bytewise
  EXPECT_TRUE(contains(L({I(1), I(2)}), F(2.0)));
  EXPECT_FALSE(contains(L({I(1), I(2)}), I(3)));
  EXPECT_TRUE(contains(L({S("vip"), S("new")}), S("vip")));
  EXPECT_FALSE(contains(L({S("vip")}), S("vi")));
  EXPECT_TRUE(contains(L({T("2026-03-01T12:00:00Z")}), S("2026-03-01T12:00:00Z")));
  EXPECT_FALSE(contains(S("123"), I(2)));
  EXPECT_FALSE(contains(I(123), I(2)));
  EXPECT_FALSE(contains(N(), S("")));
  EXPECT_FALSE(contains(S("a"), N()));
  EXPECT_FALSE(contains(O(), S("a")));
  EXPECT_FALSE(contains(L({O()}), O()));
}

TEST(StartsEnds, StringsOnly) {
  EXPECT_TRUE(starts_with(S("hello"), S("he")));
  EXPECT_TRUE(starts_with(S("hello"), S("")));
  EXPECT_TRUE(starts_with(S(""), S("")));
  EXPECT_FALSE(starts_with(S("hello"), S("lo")));
  EXPECT_FALSE(starts_with(S("he"), S("hello")));
  EXPECT_TRUE(ends_with(S("hello"), S("lo")));
  EXPECT_TRUE(ends_with(S("hello"), S("")));
  EXPECT_FALSE(ends_with(S("hello"), S("he")));
  EXPECT_FALSE(ends_with(S("lo"), S("hello")));
  Lists L;
  for (const Value& other : {N(), B(true), I(1), F(1.0), T("2026-01-01T00:00:00Z"), D(1), L({S("a")}), O()}) {
    EXPECT_FALSE(starts_with(other, S(""))) << kind_name(other.kind);
    EXPECT_FALSE(starts_with(S("a"), other)) << kind_name(other.kind);
    EXPECT_FALSE(ends_with(other, S(""))) << kind_name(other.kind);
    EXPECT_FALSE(ends_with(S("a"), other)) << kind_name(other.kind);
  }
}

// ---------------------------------------------------------------- truth

TEST(Truth, OnlyTrueIsTrue) {
  Lists L;
  EXPECT_TRUE(truthy(B(true)));
  for (const Value& v : {N(), B(false), I(1), F(1.0), S("true"), T("2026-01-01T00:00:00Z"), D(1), L({B(true)}), O()}) {
    EXPECT_FALSE(truthy(v)) << kind_name(v.kind);
    EXPECT_TRUE(Same(logical_not(v), B(true))) << kind_name(v.kind);
  }
  EXPECT_TRUE(Same(logical_not(B(true)), B(false)));
}

// ---------------------------------------------------------------- arithmetic: kind table

enum class A { kAdd, kSub, kMul, kDiv, kMod };
Value apply(A op, const Value& a, const Value& b, Arena& arena) {
  switch (op) {
    case A::kAdd: return add(a, b, arena);
    case A::kSub: return subtract(a, b);
    case A::kMul: return multiply(a, b);
    case A::kDiv: return divide(a, b);
    case A::kMod: return modulo(a, b);
  }
  return Value::null();
}
const char* op_name(A op) {
  static const char* kNames[] = {"+", "-", "*", "/", "%"};
  return kNames[static_cast<int>(op)];
}

// The result kind §3 gives each (op, kind, kind) for well-behaved operands; null otherwise.
// The string sample is a valid RFC 3339 text, so it takes part as a time next to times/durations.
Kind expected_kind(A op, Kind a, Kind b) {
  const Kind Nu = Kind::kNull, In = Kind::kInt, Fl = Kind::kFloat, St = Kind::kString, Ti = Kind::kTime,
             Du = Kind::kDuration;
  auto num = [](Kind k) { return k == Kind::kInt || k == Kind::kFloat; };
  if (num(a) && num(b)) return a == In && b == In ? In : Fl;
  if (a == St && b == St) return op == A::kAdd ? St : Nu;
  if (a == St && (b == Ti || b == Du)) a = Ti;
  if (b == St && (a == Ti || a == Du)) b = Ti;
  switch (op) {
    case A::kAdd:
      if ((a == Ti && b == Du) || (a == Du && b == Ti)) return Ti;
      if (a == Du && b == Du) return Du;
      return Nu;
    case A::kSub:
      if (a == Ti && b == Du) return Ti;
      if ((a == Ti && b == Ti) || (a == Du && b == Du)) return Du;
      return Nu;
    case A::kMul: return (a == Du && b == In) || (a == In && b == Du) ? Du : Nu;
    case A::kDiv: return a == Du && b == In ? Du : Nu;
    case A::kMod: return Nu;
  }
  return Nu;
}

TEST(Arithmetic, KindPairTable) {
  Lists L;
  Arena arena;
  std::vector<Value> samples = {N(), B(true), I(3), F(1.5), S("2026-01-01T00:00:00Z"),
                                T("2026-01-01T00:00:00Z"), D(6000), L({I(1)}), O()};
  int checked = 0;
  for (A op : {A::kAdd, A::kSub, A::kMul, A::kDiv, A::kMod}) {
    for (const Value& a : samples) {
      for (const Value& b : samples) {
        Kind want = expected_kind(op, a.kind, b.kind);
        Value got = apply(op, a, b, arena);
        EXPECT_EQ(got.kind, want) << kind_name(a.kind) << ' ' << op_name(op) << ' ' << kind_name(b.kind)
                                  << " gave " << kind_name(got.kind);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 5 * 9 * 9);
}

TEST(Arithmetic, UnaryKindTable) {
  Lists L;
  EXPECT_TRUE(Same(negate(I(5)), I(-5)));
  EXPECT_TRUE(Same(negate(I(-5)), I(5)));
  EXPECT_TRUE(Same(negate(I(0)), I(0)));
  EXPECT_TRUE(Same(negate(I(kMax)), I(-kMax)));
  EXPECT_TRUE(Same(negate(I(kMin)), N()));
  EXPECT_TRUE(Same(negate(F(2.5)), F(-2.5)));
  EXPECT_TRUE(Same(negate(F(0.0)), F(-0.0)));
  EXPECT_TRUE(Same(negate(D(90000)), D(-90000)));
  EXPECT_TRUE(Same(negate(D(kMin)), N()));
  EXPECT_TRUE(Same(negate(D(kMax)), D(-kMax)));
  EXPECT_TRUE(Same(negate(F(kNaN)), N()));
  EXPECT_TRUE(Same(negate(F(kInf)), N()));
  for (const Value& v : {N(), B(true), S("1"), S("2026-01-01T00:00:00Z"), T("2026-01-01T00:00:00Z"), L({I(1)}), O()})
    EXPECT_TRUE(Same(negate(v), N())) << kind_name(v.kind);
}

// ---------------------------------------------------------------- arithmetic: numbers

TEST(Arithmetic, Ints) {
  Arena arena;
  EXPECT_TRUE(Same(add(I(2), I(3), arena), I(5)));
  EXPECT_TRUE(Same(subtract(I(2), I(3)), I(-1)));
  EXPECT_TRUE(Same(multiply(I(-4), I(3)), I(-12)));
  EXPECT_TRUE(Same(divide(I(7), I(2)), I(3)));
  EXPECT_TRUE(Same(divide(I(-7), I(2)), I(-3)));
  EXPECT_TRUE(Same(divide(I(7), I(-2)), I(-3)));
  EXPECT_TRUE(Same(divide(I(-7), I(-2)), I(3)));
  EXPECT_TRUE(Same(divide(I(0), I(5)), I(0)));
  EXPECT_TRUE(Same(modulo(I(7), I(3)), I(1)));
  EXPECT_TRUE(Same(modulo(I(-7), I(3)), I(-1)));
  EXPECT_TRUE(Same(modulo(I(7), I(-3)), I(1)));
  EXPECT_TRUE(Same(modulo(I(-7), I(-3)), I(-1)));
  EXPECT_TRUE(Same(modulo(I(6), I(3)), I(0)));
  EXPECT_TRUE(Same(modulo(I(5), I(1)), I(0)));
  EXPECT_TRUE(Same(modulo(I(5), I(-1)), I(0)));
}

TEST(Arithmetic, IntOverflowAndDivisionByZero) {
  Arena arena;
  EXPECT_TRUE(Same(add(I(kMax), I(1), arena), N()));
  EXPECT_TRUE(Same(add(I(kMax), I(0), arena), I(kMax)));
  EXPECT_TRUE(Same(add(I(kMin), I(-1), arena), N()));
  EXPECT_TRUE(Same(add(I(kMax), I(kMin), arena), I(-1)));
  EXPECT_TRUE(Same(subtract(I(kMin), I(1)), N()));
  EXPECT_TRUE(Same(subtract(I(kMax), I(-1)), N()));
  EXPECT_TRUE(Same(subtract(I(0), I(kMin)), N()));
  EXPECT_TRUE(Same(subtract(I(-1), I(kMin)), I(kMax)));
  EXPECT_TRUE(Same(multiply(I(kMax), I(2)), N()));
  EXPECT_TRUE(Same(multiply(I(kMin), I(-1)), N()));
  EXPECT_TRUE(Same(multiply(I(-1), I(kMin)), N()));
  EXPECT_TRUE(Same(multiply(I(kMin), I(1)), I(kMin)));
  EXPECT_TRUE(Same(multiply(I(4294967296), I(4294967296)), N()));
  EXPECT_TRUE(Same(multiply(I(3037000499), I(3037000499)), I(9223372030926249001)));
  EXPECT_TRUE(Same(divide(I(kMin), I(-1)), N()));
  EXPECT_TRUE(Same(divide(I(kMin), I(1)), I(kMin)));
  EXPECT_TRUE(Same(divide(I(kMax), I(-1)), I(-kMax)));
  EXPECT_TRUE(Same(modulo(I(kMin), I(-1)), I(0)));
  EXPECT_TRUE(Same(modulo(I(kMin), I(kMax)), I(-1)));
  EXPECT_TRUE(Same(modulo(I(kMax), I(kMin)), I(kMax)));
  EXPECT_TRUE(Same(divide(I(1), I(0)), N()));
  EXPECT_TRUE(Same(divide(I(0), I(0)), N()));
  EXPECT_TRUE(Same(modulo(I(1), I(0)), N()));
  EXPECT_TRUE(Same(modulo(I(kMin), I(0)), N()));
}

TEST(Arithmetic, FloatsAndMixed) {
  Arena arena;
  EXPECT_TRUE(Same(add(I(1), F(0.5), arena), F(1.5)));
  EXPECT_TRUE(Same(add(F(0.5), I(1), arena), F(1.5)));
  EXPECT_TRUE(Same(add(F(0.1), F(0.2), arena), F(0.1 + 0.2)));
  EXPECT_TRUE(Same(subtract(F(1.0), I(3)), F(-2.0)));
  EXPECT_TRUE(Same(multiply(I(2), F(1.5)), F(3.0)));
  EXPECT_TRUE(Same(divide(I(7), F(2.0)), F(3.5)));
  EXPECT_TRUE(Same(divide(F(7.0), I(2)), F(3.5)));
  EXPECT_TRUE(Same(divide(F(-7.0), F(2.0)), F(-3.5)));
  EXPECT_TRUE(Same(modulo(F(7.5), I(2)), F(1.5)));
  EXPECT_TRUE(Same(modulo(F(-7.5), I(2)), F(-1.5)));
  EXPECT_TRUE(Same(modulo(F(7.5), F(-2.0)), F(1.5)));
  EXPECT_TRUE(Same(modulo(I(7), F(2.5)), F(2.0)));
  EXPECT_TRUE(Same(modulo(F(-0.0), F(1.0)), F(-0.0)));
  // Division by zero, of any sign, and non-finite results are null.
  EXPECT_TRUE(Same(divide(F(1.0), F(0.0)), N()));
  EXPECT_TRUE(Same(divide(F(1.0), F(-0.0)), N()));
  EXPECT_TRUE(Same(divide(I(1), F(0.0)), N()));
  EXPECT_TRUE(Same(divide(F(0.0), I(0)), N()));
  EXPECT_TRUE(Same(modulo(F(1.0), F(0.0)), N()));
  EXPECT_TRUE(Same(modulo(I(1), F(0.0)), N()));
  EXPECT_TRUE(Same(modulo(F(1.0), I(0)), N()));
  EXPECT_TRUE(Same(multiply(F(1e308), I(10)), N()));
  EXPECT_TRUE(Same(add(F(1.7976931348623157e308), F(1.7976931348623157e308), arena), N()));
  EXPECT_TRUE(Same(subtract(F(-1.7976931348623157e308), F(1.7976931348623157e308)), N()));
  EXPECT_TRUE(Same(divide(F(1e308), F(1e-308)), N()));
  EXPECT_TRUE(Same(divide(F(1e-308), F(1e308)), F(0.0)));  // underflow to zero is finite
  // Non-finite inputs (never held by values) still give null, not a crash.
  EXPECT_TRUE(Same(add(F(kNaN), I(1), arena), N()));
  EXPECT_TRUE(Same(multiply(F(kInf), F(0.0)), N()));
  EXPECT_TRUE(Same(modulo(F(kInf), F(1.0)), N()));
  EXPECT_TRUE(Same(divide(F(kNaN), F(kNaN)), N()));
  // Mixed: an int rounds to the nearest double.
  EXPECT_TRUE(Same(add(I(9007199254740993), F(0.0), arena), F(9007199254740992.0)));
  EXPECT_TRUE(Same(multiply(I(kMax), F(2.0)), F(18446744073709551616.0)));
}

// ---------------------------------------------------------------- arithmetic: strings

TEST(Arithmetic, StringConcatenation) {
  Arena arena;
  Value ab = add(S("ab"), S("cd"), arena);
  EXPECT_TRUE(Same(ab, S("abcd")));
  Value keep_a = S("x");
  EXPECT_EQ(add(keep_a, S(""), arena).s, keep_a.s);  // no copy when one side is empty
  EXPECT_EQ(add(S(""), keep_a, arena).s, keep_a.s);
  EXPECT_TRUE(Same(add(S(""), S(""), arena), S("")));
  EXPECT_TRUE(Same(add(S("caf"), S("\xC3\xA9"), arena), S("caf\xC3\xA9")));
  EXPECT_TRUE(Same(add(ab, ab, arena), S("abcdabcd")));
  // Only `+` is defined on strings; strings do not meet numbers.
  EXPECT_TRUE(Same(subtract(S("ab"), S("b")), N()));
  EXPECT_TRUE(Same(multiply(S("ab"), I(2)), N()));
  EXPECT_TRUE(Same(multiply(I(2), S("ab")), N()));
  EXPECT_TRUE(Same(divide(S("ab"), S("b")), N()));
  EXPECT_TRUE(Same(modulo(S("ab"), S("b")), N()));
  EXPECT_TRUE(Same(add(S("a"), I(1), arena), N()));
  EXPECT_TRUE(Same(add(I(1), S("a"), arena), N()));
  EXPECT_TRUE(Same(add(S("a"), N(), arena), N()));
  EXPECT_TRUE(Same(add(S("1"), F(1.0), arena), N()));
}

// ---------------------------------------------------------------- arithmetic: times, durations

TEST(Arithmetic, TimesAndDurations) {
  Arena arena;
  Value t = T("2026-01-01T00:00:00Z");
  const int64_t day = kMsPerDay, hour = kMsPerHour;
  EXPECT_TRUE(Same(add(t, D(day), arena), T("2026-01-02T00:00:00Z")));
  EXPECT_TRUE(Same(add(D(day), t, arena), T("2026-01-02T00:00:00Z")));
  EXPECT_TRUE(Same(subtract(t, D(day)), T("2025-12-31T00:00:00Z")));
  EXPECT_TRUE(Same(add(t, D(-1), arena), T("2025-12-31T23:59:59.999Z")));
  EXPECT_TRUE(Same(subtract(T("2026-01-02T12:00:00Z"), t), D(day + 12 * hour)));
  EXPECT_TRUE(Same(subtract(t, T("2026-01-02T12:00:00Z")), D(-(day + 12 * hour))));
  EXPECT_TRUE(Same(add(D(90000), D(30000), arena), D(120000)));
  EXPECT_TRUE(Same(subtract(D(90000), D(120000)), D(-30000)));
  EXPECT_TRUE(Same(multiply(D(hour), I(3)), D(3 * hour)));
  EXPECT_TRUE(Same(multiply(I(-2), D(hour)), D(-2 * hour)));
  EXPECT_TRUE(Same(multiply(D(hour), I(0)), D(0)));
  EXPECT_TRUE(Same(divide(D(7), I(2)), D(3)));  // to the millisecond, toward zero
  EXPECT_TRUE(Same(divide(D(-7), I(2)), D(-3)));
  EXPECT_TRUE(Same(divide(D(7), I(-2)), D(-3)));
  EXPECT_TRUE(Same(divide(D(day), I(3)), D(28800000)));
  EXPECT_TRUE(Same(divide(D(1000), I(3)), D(333)));
  // → null
  EXPECT_TRUE(Same(divide(D(day), I(0)), N()));
  EXPECT_TRUE(Same(divide(D(kMin), I(-1)), N()));
  EXPECT_TRUE(Same(divide(D(day), F(2.0)), N()));
  EXPECT_TRUE(Same(divide(D(day), D(hour)), N()));
  EXPECT_TRUE(Same(divide(I(2), D(hour)), N()));
  EXPECT_TRUE(Same(multiply(D(day), F(1.5)), N()));
  EXPECT_TRUE(Same(multiply(F(1.5), D(day)), N()));
  EXPECT_TRUE(Same(multiply(D(day), D(day)), N()));
  EXPECT_TRUE(Same(modulo(D(day), I(7)), N()));
  EXPECT_TRUE(Same(modulo(D(day), D(hour)), N()));
  EXPECT_TRUE(Same(add(t, t, arena), N()));
  EXPECT_TRUE(Same(subtract(D(day), t), N()));
  EXPECT_TRUE(Same(multiply(t, I(2)), N()));
  EXPECT_TRUE(Same(divide(t, I(2)), N()));
  EXPECT_TRUE(Same(add(t, I(1), arena), N()));
  EXPECT_TRUE(Same(add(D(1), I(1), arena), N()));
  EXPECT_TRUE(Same(add(D(1), N(), arena), N()));
  EXPECT_TRUE(Same(add(t, F(1.0), arena), N()));
  // Overflow at the int64 limits of milliseconds.
  EXPECT_TRUE(Same(add(Value::time(kMax), D(1), arena), N()));
  EXPECT_TRUE(Same(subtract(Value::time(kMin), D(1)), N()));
  EXPECT_TRUE(Same(subtract(Value::time(kMax), Value::time(kMin)), N()));
  EXPECT_TRUE(Same(subtract(Value::time(kMax), Value::time(kMax)), D(0)));
  EXPECT_TRUE(Same(add(D(kMax), D(1), arena), N()));
  EXPECT_TRUE(Same(subtract(D(kMin), D(1)), N()));
  EXPECT_TRUE(Same(multiply(D(kMax), I(2)), N()));
  EXPECT_TRUE(Same(multiply(I(-1), D(kMin)), N()));
  EXPECT_TRUE(Same(add(D(kMax), Value::time(kMin), arena), Value::time(-1)));
}

TEST(Arithmetic, StringsMeetingTimesAreParsed) {
  Arena arena;
  Value t = T("2026-01-01T00:00:00Z");
  const int64_t day = kMsPerDay;
  EXPECT_TRUE(Same(add(S("2026-01-01T00:00:00Z"), D(day), arena), T("2026-01-02T00:00:00Z")));
  EXPECT_TRUE(Same(add(D(day), S("2026-01-01T00:00:00Z"), arena), T("2026-01-02T00:00:00Z")));
  EXPECT_TRUE(Same(subtract(S("2026-01-01T01:00:00+01:00"), D(day)), T("2025-12-31T00:00:00Z")));
  EXPECT_TRUE(Same(subtract(S("2026-01-02T00:00:00Z"), t), D(day)));
  EXPECT_TRUE(Same(subtract(t, S("2026-01-02T00:00:00Z")), D(-day)));
  // Unparsable strings give null.
  EXPECT_TRUE(Same(add(S("tomorrow"), D(day), arena), N()));
  EXPECT_TRUE(Same(add(D(day), S(""), arena), N()));
  EXPECT_TRUE(Same(subtract(t, S("2026-01-02")), N()));
  EXPECT_TRUE(Same(subtract(S("2026-13-01T00:00:00Z"), D(1)), N()));
  // A parsed string is a time: time + time, duration − time, time * int stay null.
  EXPECT_TRUE(Same(add(S("2026-01-01T00:00:00Z"), t, arena), N()));
  EXPECT_TRUE(Same(add(t, S("2026-01-01T00:00:00Z"), arena), N()));
  EXPECT_TRUE(Same(subtract(D(day), S("2026-01-01T00:00:00Z")), N()));
  EXPECT_TRUE(Same(multiply(D(day), S("2026-01-01T00:00:00Z")), N()));
  EXPECT_TRUE(Same(divide(D(day), S("2026-01-01T00:00:00Z")), N()));
  // A string meets only times and durations this way: not numbers, not other strings.
  EXPECT_TRUE(Same(subtract(S("2026-01-02T00:00:00Z"), S("2026-01-01T00:00:00Z")), N()));
  EXPECT_TRUE(Same(add(S("2026-01-01T00:00:00Z"), I(1), arena), N()));
}

// ---------------------------------------------------------------- totality on random values

// Random values of every kind, with the extremes (INT64 limits, NaN, infinities, huge and tiny
// floats, ill-formed UTF-8, RFC 3339 texts, nested lists, objects). Every operator and builtin
// must answer without crashing (run under ASan/UBSan) and keep the algebraic invariants.
class RandomValues {
 public:
  explicit RandomValues(uint64_t seed) : rng_(seed) {}

  Value next(int depth = 0) {
    switch (rng_() % (depth < 3 ? 10 : 9)) {
      case 0: return N();
      case 1: return B(rng_() % 2);
      case 2: return I(pick_int());
      case 3: return F(pick_float());
      case 4: return S(pick_string());
      case 5: return Value::time(pick_int());
      case 6: return Value::duration(pick_int());
      case 7: return O(rng_() % 2 ? &object_a : &object_b);
      case 8: return rng_() % 2 ? I(static_cast<int64_t>(rng_() % 7) - 3) : F(static_cast<double>(rng_() % 7) - 3);
      default: {
        auto& items = lists_.emplace_back();
        size_t n = rng_() % 4;
        for (size_t k = 0; k < n; ++k) items.push_back(next(depth + 1));
        return Value::list_of(items.data(), static_cast<uint32_t>(items.size()));
      }
    }
  }

 private:
  int64_t pick_int() {
    static constexpr int64_t kEdges[] = {0, 1, -1, 2, -2, kMax, kMin, kMax - 1, kMin + 1, 9007199254740992,
                                         9007199254740993, -9007199254740993, 1767225600000, 86400000};
    if (rng_() % 2) return kEdges[rng_() % std::size(kEdges)];
    return static_cast<int64_t>(rng_()) >> (rng_() % 64);
  }
  double pick_float() {
    static constexpr double kEdges[] = {0.0, -0.0, 0.5, -1.5, 1e308, -1e308, 5e-324, 9007199254740992.0,
                                        9223372036854775808.0, -9223372036854775808.0, kNaN, kInf, -kInf, 1e21};
    if (rng_() % 2) return kEdges[rng_() % std::size(kEdges)];
    uint64_t bits = rng_();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  std::string_view pick_string() {
    static const char* kEdges[] = {"", "a", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5+01:00", "1",
                                   "-3.9", "9223372036854775808", "\xFF\xE2\x82", "caf\xC3\xA9", "\"\\\n"};
    auto& s = strings_.emplace_back();
    if (rng_() % 2) {
      s = kEdges[rng_() % std::size(kEdges)];
    } else {
      size_t n = rng_() % 8;
      for (size_t k = 0; k < n; ++k) s.push_back(static_cast<char>(rng_() % 256));
    }
    return s;
  }

  std::mt19937_64 rng_;
  std::deque<std::vector<Value>> lists_;
  std::deque<std::string> strings_;
};

bool valid_utf8(std::string_view s) { return utf8_length(s) == [&] {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }(); }

Order flip(Order o) {
  return o == Order::kLess ? Order::kGreater : o == Order::kGreater ? Order::kLess : o;
}

TEST(Totality, RandomValuesKeepTheInvariants) {
  RandomValues gen(2026);
  Arena arena;
  std::string out;
  for (int round = 0; round < 50000; ++round) {
    Value a = gen.next(), b = gen.next();
    bool eq = equal(a, b);
    ASSERT_EQ(eq, equal(b, a));
    ASSERT_EQ(not_equal(a, b), !eq);
    Order o = compare(a, b);
    ASSERT_EQ(flip(o), compare(b, a));
    ASSERT_EQ(less(a, b), greater(b, a));
    ASSERT_EQ(less_equal(a, b), greater_equal(b, a));
    if (o == Order::kEqual) {
      ASSERT_TRUE(eq);
    }
    (void)in_list(a, b);
    (void)contains(a, b);
    (void)starts_with(a, b);
    (void)ends_with(a, b);
    for (Value r : {add(a, b, arena), subtract(a, b), multiply(a, b), divide(a, b), modulo(a, b), negate(a)})
      if (r.kind == Kind::kFloat) {
        ASSERT_TRUE(std::isfinite(r.f));
      }
    ASSERT_EQ(logical_not(a).b, !truthy(a));
    for (uint32_t id = 0; id < kBuiltinCount; ++id) {
      Value r = call_builtin(*builtin_from_id(id), a, arena);
      if (r.kind == Kind::kFloat) {
        ASSERT_TRUE(std::isfinite(r.f));
      }
    }
    Value text = call_builtin(Builtin::kString, a, arena);
    ASSERT_EQ(text.is_null(), !has_text(a));
    out.clear();
    append_text(out, a);
    if (has_text(a)) {
      ASSERT_EQ(out, text.str());
    }
    out.clear();
    append_json(out, a);
    ASSERT_TRUE(valid_utf8(out)) << out;
    ASSERT_FALSE(out.empty());
    if (round % 64 == 0) arena.reset();
  }
}

}  // namespace
}  // namespace laud::vm
