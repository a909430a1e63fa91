// time_text_test.cc — RFC 3339 parsing and formatting, canonical durations, duration literals,
// JavaScript-style floats, times of day and time zones (LANGUAGE.md §3, §10, §13).
#include "vm/time_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace laud::vm {
namespace {

// --- calendar arithmetic

TEST(Civil, EpochAndKnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(0, 1, 1), -719528);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
}

TEST(Civil, RoundTripsEveryDayOverCenturies) {
  int64_t first = days_from_civil(1600, 1, 1), last = days_from_civil(2401, 1, 1);
  for (int64_t d = first; d < last; ++d) {
    CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

// --- parse_rfc3339

TEST(ParseRfc3339, Basic) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-12-01T09:00:00Z"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z"), -1000);
}

TEST(ParseRfc3339, LowercaseSeparators) {
  EXPECT_EQ(parse_rfc3339("2026-12-01t09:00:00z"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01t09:00:00Z"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T09:00:00z"), 1796115600000);
}

TEST(ParseRfc3339, Offsets) {
  EXPECT_EQ(parse_rfc3339("2026-12-01T10:00:00+01:00"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T04:00:00-05:00"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T09:00:00+00:00"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T09:00:00-00:00"), 1796115600000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T14:30:00+05:30"), 1796115600000);
}

TEST(ParseRfc3339, OffsetsCrossingMidnightAndYears) {
  // 00:30 local at +02:00 is 22:30 UTC the day before.
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:30:00+02:00"), parse_rfc3339("2025-12-31T22:30:00Z"));
  EXPECT_EQ(parse_rfc3339("2025-12-31T23:30:00-02:00"), parse_rfc3339("2026-01-01T01:30:00Z"));
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00+00:01"), -60000);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00+23:59"), -(23 * 60 + 59) * 60000LL);
}

TEST(ParseRfc3339, Fractions) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.5Z"), 500);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.25Z"), 250);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.001Z"), 1);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.000Z"), 0);
}

TEST(ParseRfc3339, FractionsTruncateNotRound) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.9999Z"), 999);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123999999999999999999Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.0009Z"), 0);
  // Before the epoch: the fraction still adds to the (earlier) second.
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.9999Z"), -1);
}

TEST(ParseRfc3339, LeapYears) {
  EXPECT_EQ(parse_rfc3339("2024-02-29T12:00:00Z"), 1709208000000);
  EXPECT_EQ(parse_rfc3339("2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2100-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2400-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("0000-02-29T00:00:00Z"));  // year 0 is a leap year (proleptic)
}

TEST(ParseRfc3339, YearRange) {
  EXPECT_EQ(parse_rfc3339("0000-01-01T00:00:00Z"), -62167219200000);
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59.999Z"), 253402300799999);
  EXPECT_FALSE(parse_rfc3339("10000-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("-0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("+2026-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("999-01-01T00:00:00Z"));
}

TEST(ParseRfc3339, RejectsInvalidFields) {
  EXPECT_FALSE(parse_rfc3339("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-00-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-00T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-32T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:60:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T23:59:60Z"));  // no leap seconds
  EXPECT_FALSE(parse_rfc3339("2016-12-31T23:59:60Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00+24:00"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00+01:60"));
}

TEST(ParseRfc3339, RejectsMalformedText) {
  for (const char* bad : {"", "2026", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00Z",
                          "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00ZZ",
                          "2026-01-01T00:00:00Z ", " 2026-01-01T00:00:00Z", "2026-1-01T00:00:00Z",
                          "2026-01-01T0:00:00Z", "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00+01",
                          "2026-01-01T00:00:00+1:00", "2026/01/01T00:00:00Z", "2026-01-01X00:00:00Z",
                          "2026-01-01T00:00:00,5Z", "2026-01-01T00:00:00UTC", "2026-01-01T00:00:00.5",
                          "202a-01-01T00:00:00Z", "2026-01-01T00:00:00+01:00x"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

// --- format_time

TEST(FormatTime, Basic) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time(1796115600000), "2026-12-01T09:00:00Z");
  EXPECT_EQ(format_time(1796115600250), "2026-12-01T09:00:00.250Z");
  EXPECT_EQ(format_time(1796115600001), "2026-12-01T09:00:00.001Z");
  EXPECT_EQ(format_time(1709208000000), "2024-02-29T12:00:00Z");
}

TEST(FormatTime, NegativeEpoch) {
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_time(-86400000), "1969-12-31T00:00:00Z");
  EXPECT_EQ(format_time(-86400001), "1969-12-30T23:59:59.999Z");
  EXPECT_EQ(format_time(-62167219200000), "0000-01-01T00:00:00Z");
}

TEST(FormatTime, YearsBeyondFourDigits) {
  EXPECT_EQ(format_time(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(253402300800000), "+010000-01-01T00:00:00Z");
  EXPECT_EQ(format_time(-62167219200001), "-000001-12-31T23:59:59.999Z");
  // Extremes must not crash or overflow.
  EXPECT_FALSE(format_time(std::numeric_limits<int64_t>::max()).empty());
  EXPECT_FALSE(format_time(std::numeric_limits<int64_t>::min()).empty());
}

TEST(FormatTime, RoundTripsThroughParse) {
  for (int64_t ms : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{951782400123}, int64_t{-62167219200000},
                     int64_t{253402300799999}, int64_t{-123456789012}, int64_t{1796115600000}}) {
    EXPECT_EQ(parse_rfc3339(format_time(ms)), ms) << ms;
  }
}

// --- format_duration

TEST(FormatDuration, Canonical) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(90000), "1m30s");
  EXPECT_EQ(format_duration(129600000), "1d12h");
  EXPECT_EQ(format_duration(1209600000), "2w");
  EXPECT_EQ(format_duration(1000), "1s");
  EXPECT_EQ(format_duration(60000), "1m");
  EXPECT_EQ(format_duration(3600000), "1h");
  EXPECT_EQ(format_duration(86400000), "1d");
  EXPECT_EQ(format_duration(604800000 + 86400000 + 3600000 + 60000 + 1000), "1w1d1h1m1s");
  EXPECT_EQ(format_duration(3600000 + 1000), "1h1s");
}

TEST(FormatDuration, Milliseconds) {
  EXPECT_EQ(format_duration(1500), "1.5s");
  EXPECT_EQ(format_duration(250), "0.25s");
  EXPECT_EQ(format_duration(1), "0.001s");
  EXPECT_EQ(format_duration(10), "0.01s");
  EXPECT_EQ(format_duration(999), "0.999s");
  EXPECT_EQ(format_duration(60250), "1m0.25s");
  EXPECT_EQ(format_duration(3600000 + 100), "1h0.1s");
}

TEST(FormatDuration, Negative) {
  EXPECT_EQ(format_duration(-90000), "-1m30s");
  EXPECT_EQ(format_duration(-1), "-0.001s");
  EXPECT_EQ(format_duration(-129600000), "-1d12h");
}

TEST(FormatDuration, Extremes) {
  EXPECT_EQ(format_duration(std::numeric_limits<int64_t>::max()), "15250284452w3d7h12m55.807s");
  EXPECT_EQ(format_duration(std::numeric_limits<int64_t>::min()), "-15250284452w3d7h12m55.808s");
}

// --- parse_duration_literal

TEST(ParseDuration, Valid) {
  EXPECT_EQ(parse_duration_literal("90s"), 90000);
  EXPECT_EQ(parse_duration_literal("15m"), 900000);
  EXPECT_EQ(parse_duration_literal("1d12h"), 129600000);
  EXPECT_EQ(parse_duration_literal("2w"), 1209600000);
  EXPECT_EQ(parse_duration_literal("1_000s"), 1000000);
  EXPECT_EQ(parse_duration_literal("0s"), 0);
  EXPECT_EQ(parse_duration_literal("1w1d1h1m1s"), 604800000 + 86400000 + 3600000 + 60000 + 1000);
  EXPECT_EQ(parse_duration_literal("1h30s"), 3630000);
  EXPECT_EQ(parse_duration_literal("007m"), 420000);
}

DurationError duration_error(std::string_view text) {
  DurationError e;
  EXPECT_FALSE(parse_duration_literal(text, &e)) << text;
  return e;
}

TEST(ParseDuration, OrderAndRepeats) {
  DurationError e = duration_error("30m1h");
  EXPECT_EQ(e.message, "units must be in the order w d h m s");
  EXPECT_EQ(e.offset, 4u);
  e = duration_error("1h2h");
  EXPECT_EQ(e.message, "unit `h` appears twice");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_EQ(duration_error("1s1w").message, "units must be in the order w d h m s");
}

TEST(ParseDuration, Malformed) {
  EXPECT_EQ(duration_error("").message, "empty duration");
  EXPECT_EQ(duration_error("90").message, "missing unit after the number; units are w d h m s");
  EXPECT_EQ(duration_error("1d12").offset, 2u);
  EXPECT_EQ(duration_error("5x").message, "unknown duration unit; units are w d h m s");
  EXPECT_EQ(duration_error("5ms").message, "`ms` is not a duration unit; units are w d h m s");
  EXPECT_EQ(duration_error("s").message, "expected a number");
  EXPECT_EQ(duration_error("1hm").message, "expected a number");
  EXPECT_EQ(duration_error("_1s").message, "`_` must stand between digits");
  EXPECT_EQ(duration_error("1_s").message, "`_` must stand between digits");
  EXPECT_EQ(duration_error("1__0s").message, "`_` must stand between digits");
  EXPECT_EQ(duration_error("1s ").message, "expected a number");
  EXPECT_EQ(duration_error("-1s").message, "expected a number");
  EXPECT_EQ(duration_error("1.5s").message, "unknown duration unit; units are w d h m s");
  EXPECT_FALSE(parse_duration_literal("1H"));
}

TEST(ParseDuration, Overflow) {
  // int64 max is 9223372036854775807 ms = 15250284452w3d7h12m55.807s.
  EXPECT_EQ(parse_duration_literal("15250284452w"), 15250284452LL * 604800000);
  EXPECT_EQ(duration_error("15250284453w").message, "duration is too large");
  EXPECT_EQ(duration_error("9223372036854775807s").message, "duration is too large");
  EXPECT_EQ(duration_error("99999999999999999999999s").message, "duration is too large");
  EXPECT_EQ(duration_error("15250284452w4d").message, "duration is too large");
  EXPECT_EQ(parse_duration_literal("9223372036854775s"), 9223372036854775000);
  // Without an error out-parameter it still just fails.
  EXPECT_FALSE(parse_duration_literal("15250284453w"));
}

TEST(ParseDuration, RoundTripsWithFormatOnWholeSeconds) {
  for (int64_t ms : {int64_t{1000}, int64_t{90000}, int64_t{129600000}, int64_t{1209600000},
                     int64_t{694861000}}) {
    EXPECT_EQ(parse_duration_literal(format_duration(ms)), ms) << ms;
  }
}

// --- format_float

TEST(FormatFloat, JavaScriptCases) {
  EXPECT_EQ(format_float(0.1), "0.1");
  EXPECT_EQ(format_float(1e21), "1e+21");
  EXPECT_EQ(format_float(-1e21), "-1e+21");
  EXPECT_EQ(format_float(1e-7), "1e-7");
  EXPECT_EQ(format_float(1.5e-7), "1.5e-7");
  EXPECT_EQ(format_float(1.23e-18), "1.23e-18");
  EXPECT_EQ(format_float(123456789012345680000.0), "123456789012345680000.0");
  EXPECT_EQ(format_float(1e20), "100000000000000000000.0");
  EXPECT_EQ(format_float(5e-324), "5e-324");
  EXPECT_EQ(format_float(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(format_float(1e300 * 10), "1e+301");
  EXPECT_EQ(format_float(0.000001), "0.000001");
  EXPECT_EQ(format_float(0.000001234), "0.000001234");
  EXPECT_EQ(format_float(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(format_float(4.35), "4.35");
  EXPECT_EQ(format_float(150.5), "150.5");
  EXPECT_EQ(format_float(-1.5), "-1.5");
}

TEST(FormatFloat, IntegralValuesEndInPointZero) {
  EXPECT_EQ(format_float(2.0), "2.0");
  EXPECT_EQ(format_float(100.0), "100.0");
  EXPECT_EQ(format_float(-3.0), "-3.0");
  EXPECT_EQ(format_float(9007199254740992.0), "9007199254740992.0");
  EXPECT_EQ(format_float(0.0), "0.0");
  EXPECT_EQ(format_float(-0.0), "0.0");  // JavaScript prints 0 for -0; we add `.0` only
}

TEST(FormatFloat, NonFiniteDoesNotCrash) {
  EXPECT_EQ(format_float(std::nan("")), "NaN");
  EXPECT_EQ(format_float(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(format_float(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(FormatFloat, ShortestRoundTrip) {
  for (double x : {0.1, 0.2 + 0.1, 1e-300, 123.456, 2.5e-5, 6.02214076e23, 1e21 - 65536, 4.9406564584124654e-324}) {
    std::string s = format_float(x);
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), x) << s;
  }
  EXPECT_EQ(format_float(0.1 + 0.2), "0.30000000000000004");
}

// --- time of day and time zones

TEST(TimeOfDay, Valid) {
  EXPECT_EQ(parse_time_of_day("00:00"), 0);
  EXPECT_EQ(parse_time_of_day("09:00"), 540);
  EXPECT_EQ(parse_time_of_day("21:30"), 1290);
  EXPECT_EQ(parse_time_of_day("23:59"), 1439);
}

TEST(TimeOfDay, Invalid) {
  for (const char* bad : {"24:00", "23:60", "9:00", "09:0", "0900", "09:00:00", "", "ab:cd", "09-00",
                          " 9:00", "09:00 ", "+9:00", "-1:00"}) {
    EXPECT_FALSE(parse_time_of_day(bad)) << bad;
  }
}

TEST(TimeZone, KnownAndUnknown) {
  EXPECT_TRUE(is_valid_time_zone("Europe/Berlin"));
  EXPECT_TRUE(is_valid_time_zone("America/New_York"));
  EXPECT_TRUE(is_valid_time_zone("UTC"));
  EXPECT_FALSE(is_valid_time_zone(""));
  EXPECT_FALSE(is_valid_time_zone("Mars/Olympus_Mons"));
  EXPECT_FALSE(is_valid_time_zone("europe/berlin"));
  EXPECT_FALSE(is_valid_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_valid_time_zone(std::string_view("Europe/Berlin\0x", 15)));
}

}  // namespace
}  // namespace laud::vm
