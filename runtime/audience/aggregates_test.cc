// aggregates_test.cc — the per-customer state of count/sum/min/max/avg/last (§4), with and without
// `within`: the window (now − D, now], late events, int → float sums, skipped non-numbers, empty
// results, and the bounded window (compaction past kMaxWindowEntries).
#include "runtime/audience/aggregates.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>

namespace laud::runtime {
namespace {

using vm::AggFunc;
using vm::Kind;
using vm::Value;

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1'796'119'200'000;  // 2026-12-01T10:00:00Z

vm::AggregateDesc desc(AggFunc f, int64_t within = -1) {
  vm::AggregateDesc d;
  d.func = f;
  d.event = "purchase";
  if (f != AggFunc::kCount && f != AggFunc::kLast) d.property = {"amount"};
  d.within_ms = within;
  return d;
}

void expect_int(const Value& v, int64_t want) {
  ASSERT_EQ(v.kind, Kind::kInt) << "kind " << vm::kind_name(v.kind);
  EXPECT_EQ(v.i, want);
}

void expect_float(const Value& v, double want) {
  ASSERT_EQ(v.kind, Kind::kFloat) << "kind " << vm::kind_name(v.kind);
  EXPECT_DOUBLE_EQ(v.f, want);
}

void expect_null(const Value& v) { EXPECT_EQ(v.kind, Kind::kNull) << "kind " << vm::kind_name(v.kind); }

// Records events (time, value) into a state, each with now = max(now, time).
struct Feed {
  explicit Feed(vm::AggregateDesc desc) : d(std::move(desc)) {}
  vm::AggregateDesc d;
  AggState s;
  int64_t now = INT64_MIN;
  void add(int64_t t, std::optional<Value> v = std::nullopt) {
    now = std::max(now, t);
    Value x = v.value_or(Value());
    s.record(d, t, v ? &x : nullptr, now);
  }
  void add_at(int64_t t, int64_t now_at, std::optional<Value> v = std::nullopt) {
    now = now_at;
    Value x = v.value_or(Value());
    s.record(d, t, v ? &x : nullptr, now);
  }
  Value q() { return s.query(d, now); }
  Value q(int64_t at) {
    now = at;
    return s.query(d, now);
  }
};

Value I(int64_t i) { return Value::integer(i); }
Value F(double f) { return Value::floating(f); }

// ---------------------------------------------------------------- empty

TEST(aggregates_test, EmptyResults) {
  for (int64_t within : {int64_t{-1}, kDay}) {
    Feed c{desc(AggFunc::kCount, within)};
    expect_int(c.q(kT0), 0);
    Feed s{desc(AggFunc::kSum, within)};
    expect_int(s.q(kT0), 0);
    Feed mn{desc(AggFunc::kMin, within)};
    expect_null(mn.q(kT0));
    Feed mx{desc(AggFunc::kMax, within)};
    expect_null(mx.q(kT0));
    Feed a{desc(AggFunc::kAvg, within)};
    expect_null(a.q(kT0));
    Feed l{desc(AggFunc::kLast, within)};
    expect_null(l.q(kT0));
  }
}

// ---------------------------------------------------------------- without `within`

TEST(aggregates_test, AllTimeCountSumMinMaxAvgLast) {
  Feed c{desc(AggFunc::kCount)}, s{desc(AggFunc::kSum)}, mn{desc(AggFunc::kMin)}, mx{desc(AggFunc::kMax)},
      a{desc(AggFunc::kAvg)}, l{desc(AggFunc::kLast)};
  const std::vector<std::pair<int64_t, int64_t>> events = {{kT0, 5}, {kT0 + kHour, -2}, {kT0 + 30 * kDay, 10}};
  for (auto [t, v] : events) {
    for (Feed* f : {&c, &s, &mn, &mx, &a, &l}) f->add(t, I(v));
  }
  int64_t later = kT0 + 400 * kDay;
  expect_int(c.q(later), 3);
  expect_int(s.q(later), 13);
  expect_int(mn.q(later), -2);
  expect_int(mx.q(later), 10);
  expect_float(a.q(later), 13.0 / 3.0);
  Value last = l.q(later);
  ASSERT_EQ(last.kind, Kind::kTime);
  EXPECT_EQ(last.i, kT0 + 30 * kDay);
}

TEST(aggregates_test, AvgIsAFloatEvenOverInts) {
  Feed a{desc(AggFunc::kAvg)};
  a.add(kT0, I(2));
  a.add(kT0 + 1, I(4));
  expect_float(a.q(), 3.0);
}

TEST(aggregates_test, LateEventDoesNotMoveLastBackwards) {
  Feed l{desc(AggFunc::kLast)};
  l.add(kT0 + kHour);
  l.add_at(kT0, kT0 + kHour);  // late: an earlier timestamp arrives after
  Value v = l.q();
  ASSERT_EQ(v.kind, Kind::kTime);
  EXPECT_EQ(v.i, kT0 + kHour);
}

TEST(aggregates_test, MinMaxMixIntsAndFloats) {
  Feed mn{desc(AggFunc::kMin)}, mx{desc(AggFunc::kMax)};
  for (Feed* f : {&mn, &mx}) {
    f->add(kT0, I(3));
    f->add(kT0 + 1, F(2.5));
    f->add(kT0 + 2, F(3.5));
    f->add(kT0 + 3, I(3));
  }
  expect_float(mn.q(), 2.5);
  expect_float(mx.q(), 3.5);
}

TEST(aggregates_test, MinMaxCompareMathematicallyNearTwoToThe63) {
  Feed mx{desc(AggFunc::kMax)};
  mx.add(kT0, I(INT64_MAX));
  mx.add(kT0 + 1, F(9223372036854775808.0));  // 2^63 > INT64_MAX
  expect_float(mx.q(), 9223372036854775808.0);
  Feed mn{desc(AggFunc::kMin)};
  mn.add(kT0, F(9223372036854775808.0));
  mn.add(kT0 + 1, I(INT64_MAX));
  expect_int(mn.q(), INT64_MAX);
}

// ---------------------------------------------------------------- sums: int, then float

TEST(aggregates_test, SumStaysIntWhileItFits) {
  Feed s{desc(AggFunc::kSum)};
  s.add(kT0, I(INT64_MAX - 1));
  s.add(kT0 + 1, I(1));
  expect_int(s.q(), INT64_MAX);
}

TEST(aggregates_test, SumTurnsFloatOnOverflow) {
  Feed s{desc(AggFunc::kSum)};
  s.add(kT0, I(INT64_MAX));
  s.add(kT0 + 1, I(1));
  expect_float(s.q(), 9223372036854775808.0);
  s.add(kT0 + 2, I(-1));  // once a float, always a float
  Value v = s.q();
  EXPECT_EQ(v.kind, Kind::kFloat);
}

TEST(aggregates_test, SumTurnsFloatOnNegativeOverflow) {
  Feed s{desc(AggFunc::kSum, kDay)};
  s.add(kT0, I(INT64_MIN));
  s.add(kT0 + 1, I(-1));
  expect_float(s.q(), -9223372036854775809.0);
}

TEST(aggregates_test, SumTurnsFloatWhenAFloatAppears) {
  for (int64_t within : {int64_t{-1}, kDay}) {
    Feed s{desc(AggFunc::kSum, within)};
    s.add(kT0, I(1));
    expect_int(s.q(), 1);
    s.add(kT0 + kMin, F(2.5));
    expect_float(s.q(), 3.5);
    s.add(kT0 + 2 * kMin, I(1));
    expect_float(s.q(), 4.5);
  }
}

TEST(aggregates_test, SumOfIntegralFloatIsStillAFloat) {
  Feed s{desc(AggFunc::kSum)};
  s.add(kT0, F(2.0));
  expect_float(s.q(), 2.0);
}

TEST(aggregates_test, WindowedSumOverflowAcrossSlots) {
  // Two instants, each sum fits; their total does not.
  Feed s{desc(AggFunc::kSum, kDay)};
  s.add(kT0, I(INT64_MAX));
  s.add(kT0 + kSec, I(INT64_MAX));
  expect_float(s.q(), 2.0 * 9223372036854775807.0);
}

// ---------------------------------------------------------------- non-numeric values

TEST(aggregates_test, NonNumericValuesAreSkipped) {
  for (int64_t within : {int64_t{-1}, kDay}) {
    Feed s{desc(AggFunc::kSum, within)}, a{desc(AggFunc::kAvg, within)}, mn{desc(AggFunc::kMin, within)},
        mx{desc(AggFunc::kMax, within)};
    for (Feed* f : {&s, &a, &mn, &mx}) {
      f->add(kT0, I(4));
      f->add(kT0 + kSec);  // a purchase without a numeric amount
      f->add(kT0 + 2 * kSec, I(8));
      f->add(kT0 + 3 * kSec);
    }
    expect_int(s.q(), 12);
    expect_float(a.q(), 6.0);  // not 12 / 4
    expect_int(mn.q(), 4);
    expect_int(mx.q(), 8);
  }
}

TEST(aggregates_test, OnlyNonNumericValuesGiveTheEmptyResults) {
  Feed s{desc(AggFunc::kSum)}, a{desc(AggFunc::kAvg)}, mn{desc(AggFunc::kMin)};
  for (Feed* f : {&s, &a, &mn}) f->add(kT0);
  expect_int(s.q(), 0);
  expect_null(a.q());
  expect_null(mn.q());
}

TEST(aggregates_test, CountAndLastCountEveryEvent) {
  Feed c{desc(AggFunc::kCount, kDay)}, l{desc(AggFunc::kLast, kDay)};
  for (Feed* f : {&c, &l}) {
    f->add(kT0);
    f->add(kT0 + kSec);
  }
  expect_int(c.q(), 2);
  ASSERT_EQ(l.q().kind, Kind::kTime);
  EXPECT_EQ(l.q().i, kT0 + kSec);
}

// ---------------------------------------------------------------- the window (now − D, now]

TEST(aggregates_test, WindowIsExclusiveAtNowMinusD) {
  Feed c{desc(AggFunc::kCount, kHour)};
  c.add(kT0);
  expect_int(c.q(kT0), 1);
  expect_int(c.q(kT0 + kHour - 1), 1);
  expect_int(c.q(kT0 + kHour), 0);  // exactly D ago: out
}

TEST(aggregates_test, WindowIncludesNow) {
  Feed c{desc(AggFunc::kCount, kHour)};
  c.add(kT0 + kHour);
  expect_int(c.q(kT0 + kHour), 1);
}

TEST(aggregates_test, WindowedResultsOfEveryFunction) {
  Feed c{desc(AggFunc::kCount, kDay)}, s{desc(AggFunc::kSum, kDay)}, mn{desc(AggFunc::kMin, kDay)},
      mx{desc(AggFunc::kMax, kDay)}, a{desc(AggFunc::kAvg, kDay)}, l{desc(AggFunc::kLast, kDay)};
  for (Feed* f : {&c, &s, &mn, &mx, &a, &l}) {
    f->add(kT0, I(100));               // leaves at kT0 + 1d
    f->add(kT0 + 12 * kHour, I(1));    // leaves at kT0 + 36h
    f->add(kT0 + 20 * kHour, I(50));   // leaves at kT0 + 44h
  }
  int64_t at = kT0 + kDay;
  expect_int(c.q(at), 2);
  expect_int(s.q(at), 51);
  expect_int(mn.q(at), 1);
  expect_int(mx.q(at), 50);
  expect_float(a.q(at), 25.5);
  EXPECT_EQ(l.q(at).i, kT0 + 20 * kHour);
  at = kT0 + 36 * kHour;
  expect_int(c.q(at), 1);
  expect_int(s.q(at), 50);
  expect_int(mn.q(at), 50);
  expect_int(mx.q(at), 50);
  expect_float(a.q(at), 50.0);
  at = kT0 + 44 * kHour;
  expect_int(c.q(at), 0);
  expect_int(s.q(at), 0);
  expect_null(mn.q(at));
  expect_null(mx.q(at));
  expect_null(a.q(at));
  expect_null(l.q(at));
}

TEST(aggregates_test, LateEventsAreInsertedInTimeOrder) {
  Feed c{desc(AggFunc::kCount, 15 * kMin)};
  c.add(kT0 + 10 * kMin);
  c.add(kT0 + 30 * kMin);
  c.add_at(kT0 + 20 * kMin, kT0 + 30 * kMin);  // late, but still in (now − 15m, now]
  c.add_at(kT0 + 29 * kMin, kT0 + 30 * kMin);
  EXPECT_EQ(c.s.slots(), 3u);  // the 10m event left when the window moved to 30m
  expect_int(c.q(kT0 + 34 * kMin), 3);
  expect_int(c.q(kT0 + 35 * kMin), 2);  // 20m left; 29m and 30m remain
  expect_int(c.q(kT0 + 44 * kMin), 1);
  expect_int(c.q(kT0 + 45 * kMin), 0);
}

TEST(aggregates_test, LateEventAlreadyOutsideTheWindowIsNotRecorded) {
  Feed c{desc(AggFunc::kCount, kHour)};
  c.add(kT0 + 2 * kHour);
  c.add_at(kT0 + kHour, kT0 + 2 * kHour);  // exactly D before now: outside
  c.add_at(kT0, kT0 + 2 * kHour);
  expect_int(c.q(), 1);
  EXPECT_EQ(c.s.slots(), 1u);
}

TEST(aggregates_test, LateEventsKeepMinMaxSumPerInstant) {
  Feed s{desc(AggFunc::kSum, kHour)}, mn{desc(AggFunc::kMin, kHour)}, l{desc(AggFunc::kLast, kHour)};
  for (Feed* f : {&s, &mn, &l}) {
    f->add(kT0 + 50 * kMin, I(7));
    f->add_at(kT0 + 5 * kMin, kT0 + 50 * kMin, I(-3));  // late
  }
  expect_int(s.q(kT0 + 64 * kMin), 4);
  expect_int(mn.q(kT0 + 64 * kMin), -3);
  EXPECT_EQ(l.q(kT0 + 64 * kMin).i, kT0 + 50 * kMin);  // last is the latest time, not the latest arrival
  expect_int(s.q(kT0 + 65 * kMin), 7);
  expect_int(mn.q(kT0 + 65 * kMin), 7);
}

TEST(aggregates_test, EventsOfOneInstantShareASlot) {
  Feed s{desc(AggFunc::kSum, kDay)};
  for (int k = 0; k < 10; ++k) s.add(kT0, I(k));
  EXPECT_EQ(s.s.slots(), 1u);
  expect_int(s.q(), 45);
}

TEST(aggregates_test, WithinZeroHoldsNothing) {
  Feed c{desc(AggFunc::kCount, 0)};
  c.add(kT0);
  expect_int(c.q(kT0), 0);
}

TEST(aggregates_test, HugeWithinDoesNotOverflow) {
  Feed c{desc(AggFunc::kCount, INT64_MAX)};
  c.add(kT0 - 1000 * kDay);
  c.add(kT0);
  expect_int(c.q(kT0), 2);
  Feed n{desc(AggFunc::kCount, kDay)};
  n.add(INT64_MIN);
  n.add(INT64_MIN + 1);
  expect_int(n.q(INT64_MIN + 1), 2);
}

TEST(aggregates_test, AvgSumsInEventOrder) {
  // 1e16 + 1 + 1 - 1e16: in event order the ones are lost to rounding; avg = 0 / 4.
  Feed a{desc(AggFunc::kAvg)};
  a.add(kT0, F(1e16));
  a.add(kT0 + 1, F(1));
  a.add(kT0 + 2, F(1));
  a.add(kT0 + 3, F(-1e16));
  double want = ((1e16 + 1.0) + 1.0 + -1e16) / 4.0;
  expect_float(a.q(), want);
}

// ---------------------------------------------------------------- bounded memory

TEST(aggregates_test, CompactionKeepsMemoryBoundedAndCountExactInsideTheWindow) {
  Feed c{desc(AggFunc::kCount, 30 * kDay)}, s{desc(AggFunc::kSum, 30 * kDay)}, mx{desc(AggFunc::kMax, 30 * kDay)};
  const int n = static_cast<int>(kMaxWindowEntries) * 3 + 7;
  for (int k = 0; k < n; ++k) {
    for (Feed* f : {&c, &s, &mx}) f->add(kT0 + k * kSec, I(k));
  }
  for (Feed* f : {&c, &s, &mx}) EXPECT_LE(f->s.slots(), kMaxWindowEntries);
  expect_int(c.q(), n);
  expect_int(s.q(), int64_t{n} * (n - 1) / 2);
  expect_int(mx.q(), n - 1);
}

TEST(aggregates_test, CompactedEntriesLeaveWithTheirLaterTime) {
  // All of kMaxWindowEntries + 1 distinct instants are inside the window; the two oldest merge.
  Feed c{desc(AggFunc::kCount, kDay)};
  for (size_t k = 0; k <= kMaxWindowEntries; ++k) c.add(kT0 + static_cast<int64_t>(k) * kSec);
  EXPECT_EQ(c.s.slots(), kMaxWindowEntries);
  expect_int(c.q(), static_cast<int64_t>(kMaxWindowEntries) + 1);
  // When the first instant leaves, the merged entry (time of the second) is still inside: the
  // documented approximation once a window holds more than kMaxWindowEntries instants.
  expect_int(c.q(kT0 + kDay), static_cast<int64_t>(kMaxWindowEntries) + 1);
  // When the second leaves, both go.
  expect_int(c.q(kT0 + kDay + kSec), static_cast<int64_t>(kMaxWindowEntries) - 1);
}

TEST(aggregates_test, MemoryStaysBoundedOverALongStream) {
  Feed c{desc(AggFunc::kCount, 7 * kDay)};
  for (int k = 0; k < 200000; ++k) c.add(kT0 + k * kMin);
  EXPECT_LE(c.s.slots(), kMaxWindowEntries);
  // 7 days of one event a minute is 10080 events. Compaction makes the count approximate: merged
  // entries leave the window with their later time, so it may only count too many, never too few.
  Value v = c.q();
  ASSERT_EQ(v.kind, Kind::kInt);
  EXPECT_GE(v.i, 7 * 24 * 60);
  EXPECT_LE(v.i, 200000);
}

}  // namespace
}  // namespace laud::runtime
