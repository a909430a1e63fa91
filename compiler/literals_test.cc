// literals_test.cc — the literal decoders of compiler/literals.h on their own: values,
// boundaries and the located errors (byte offset and length inside the token).
#include "compiler/literals.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace laud::compiler {
namespace {

// ---------------------------------------------------------------- strings

std::optional<std::string> str(std::string_view body, LiteralError* error = nullptr) {
  std::string out = "stale";
  LiteralError err;
  bool ok = decode_string(body, out, err);
  if (error) *error = err;
  if (!ok) {
    EXPECT_FALSE(err.message.empty()) << body;
    return std::nullopt;
  }
  return out;
}

TEST(DecodeString, PlainAndEmpty) {
  EXPECT_EQ(str(""), "");  // the output is cleared first
  EXPECT_EQ(str("hello world"), "hello world");
  EXPECT_EQ(str("a 'single' /* not a comment */ // nor this"), "a 'single' /* not a comment */ // nor this");
}

TEST(DecodeString, EachEscape) {
  EXPECT_EQ(str(R"(\")"), "\"");
  EXPECT_EQ(str(R"(\\)"), "\\");
  EXPECT_EQ(str(R"(\n)"), "\n");
  EXPECT_EQ(str(R"(\t)"), "\t");
  EXPECT_EQ(str(R"(a\"b\\c\nd\te)"), "a\"b\\c\nd\te");
  EXPECT_EQ(str(R"(\\n)"), "\\n");  // an escaped backslash, then a plain `n`
}

TEST(DecodeString, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(str(R"(\u{1F600})"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(str(R"(\u{1f600})"), "\xF0\x9F\x98\x80");  // lowercase hex
  EXPECT_EQ(str(R"(\u{0})"), std::string(1, '\0'));
  EXPECT_EQ(str(R"(\u{41})"), "A");
  EXPECT_EQ(str(R"(\u{7F})"), "\x7F");
  EXPECT_EQ(str(R"(\u{80})"), "\xC2\x80");
  EXPECT_EQ(str(R"(\u{E9})"), "\xC3\xA9");
  EXPECT_EQ(str(R"(\u{7FF})"), "\xDF\xBF");
  EXPECT_EQ(str(R"(\u{800})"), "\xE0\xA0\x80");
  EXPECT_EQ(str(R"(\u{20AC})"), "\xE2\x82\xAC");
  EXPECT_EQ(str(R"(\u{D7FF})"), "\xED\x9F\xBF");
  EXPECT_EQ(str(R"(\u{E000})"), "\xEE\x80\x80");
  EXPECT_EQ(str(R"(\u{FFFF})"), "\xEF\xBF\xBF");
  EXPECT_EQ(str(R"(\u{10000})"), "\xF0\x90\x80\x80");
  EXPECT_EQ(str(R"(\u{10FFFF})"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(str(R"(\u{00000041})"), std::nullopt);  // at most 6 hex digits
  EXPECT_EQ(str(R"(\u{000041})"), "A");
  EXPECT_EQ(str(R"(x\u{41}y\u{42}z)"), "xAyBz");
}

TEST(DecodeString, UnicodeEscapeErrors) {
  LiteralError err;
  EXPECT_EQ(str(R"(ab\u{110000})", &err), std::nullopt);
  EXPECT_EQ(err.offset, 2u);
  EXPECT_EQ(err.message, "`\\u{...}` is not a Unicode scalar value");
  EXPECT_EQ(str(R"(\u{D800})", &err), std::nullopt);
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 8u);
  EXPECT_EQ(str(R"(\u{DFFF})", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{DC00})", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{FFFFFF})", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{})", &err), std::nullopt);
  EXPECT_EQ(err.message, "malformed `\\u{...}` escape: expected 1 to 6 hex digits and `}`");
  EXPECT_EQ(str(R"(\u{1234567})", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{12)", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{12 })", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{G})", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u0041)", &err), std::nullopt);
  EXPECT_EQ(err.message, "`\\u` must be followed by `{HEX}`");
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 2u);
  EXPECT_EQ(str(R"(\u)", &err), std::nullopt);
  EXPECT_EQ(str(R"(\u{)", &err), std::nullopt);
}

TEST(DecodeString, UnknownEscapes) {
  LiteralError err;
  for (std::string_view bad : {R"(\q)", R"(\r)", R"(\')", R"(\0)", R"(\x41)", R"(\U{41})", R"(\/)"}) {
    EXPECT_EQ(str(bad, &err), std::nullopt) << bad;
    EXPECT_EQ(err.message, "unknown escape sequence") << bad;
    EXPECT_EQ(err.offset, 0u) << bad;
    EXPECT_EQ(err.length, 2u) << bad;
  }
  EXPECT_EQ(str(R"(abc\q)", &err), std::nullopt);
  EXPECT_EQ(err.offset, 3u);
  // A lone backslash at the end of the body.
  EXPECT_EQ(str("abc\\", &err), std::nullopt);
  EXPECT_EQ(err.offset, 3u);
}

TEST(DecodeString, Utf8PassesThroughWhenValid) {
  EXPECT_EQ(str("h\xC3\xA9llo"), "h\xC3\xA9llo");
  EXPECT_EQ(str("\xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xED\x9F\xBF"),
            "\xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xED\x9F\xBF");
}

TEST(DecodeString, InvalidUtf8IsRejected) {
  LiteralError err;
  const std::string_view bad[] = {
      "\x80",              // a lone continuation byte
      "\xBF",
      "\xC3",              // truncated 2-byte sequence
      "\xC3" "A",          // bad continuation
      "\xE2\x82",          // truncated 3-byte sequence
      "\xF0\x9F\x98",      // truncated 4-byte sequence
      "\xC0\x80",          // overlong NUL
      "\xC1\xBF",          // overlong
      "\xE0\x80\x80",      // overlong 3-byte
      "\xF0\x80\x80\x80",  // overlong 4-byte
      "\xED\xA0\x80",      // UTF-16 surrogate D800
      "\xED\xBF\xBF",      // surrogate DFFF
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80",
      "\xF8\x88\x80\x80\x80",  // 5-byte form
      "\xFE",
      "\xFF",
  };
  for (std::string_view b : bad) {
    EXPECT_EQ(str(b, &err), std::nullopt) << testing::PrintToString(std::string(b));
    EXPECT_EQ(err.message, "invalid UTF-8 in string literal");
    EXPECT_EQ(err.offset, 0u);
  }
  EXPECT_EQ(str("ok \xC3\xA9 then \xFF", &err), std::nullopt);
  EXPECT_EQ(err.offset, 11u);  // a byte offset: the é before it is two bytes
  EXPECT_EQ(err.length, 1u);
}

// ---------------------------------------------------------------- numbers and durations

std::optional<NumberWord> num(std::string_view word, LiteralError* error = nullptr) {
  LiteralError err;
  auto n = decode_number_word(word, err);
  if (error) *error = err;
  if (!n) {
    EXPECT_FALSE(err.message.empty()) << word;
  }
  return n;
}

std::optional<int64_t> int_of(std::string_view word) {
  auto n = num(word);
  if (!n) return std::nullopt;
  EXPECT_EQ(n->kind, NumberKind::kInt) << word;
  return n->value;
}

std::optional<int64_t> ms_of(std::string_view word) {
  auto n = num(word);
  if (!n) return std::nullopt;
  EXPECT_EQ(n->kind, NumberKind::kDuration) << word;
  return n->value;
}

TEST(DecodeNumberWord, Integers) {
  EXPECT_EQ(int_of("0"), 0);
  EXPECT_EQ(int_of("7"), 7);
  EXPECT_EQ(int_of("42"), 42);
  EXPECT_EQ(int_of("0042"), 42);
  EXPECT_EQ(int_of("1_000"), 1000);
  EXPECT_EQ(int_of("1_000_000"), 1000000);
  EXPECT_EQ(int_of("1_2_3"), 123);
  EXPECT_EQ(int_of("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(int_of("9_223_372_036_854_775_807"), INT64_MAX);
  EXPECT_EQ(int_of("00000000000000000000009223372036854775807"), INT64_MAX);
}

TEST(DecodeNumberWord, IntegerOverflow) {
  LiteralError err;
  EXPECT_EQ(num("9223372036854775808", &err), std::nullopt);
  EXPECT_EQ(err.message, "integer literal is too large");
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 19u);
  EXPECT_EQ(num("9223372036854775809", &err), std::nullopt);
  EXPECT_EQ(num("9223372036854775810", &err), std::nullopt);
  EXPECT_EQ(num("10000000000000000000", &err), std::nullopt);
  EXPECT_EQ(num("99999999999999999999999", &err), std::nullopt);
  EXPECT_EQ(num("9_223_372_036_854_775_808", &err), std::nullopt);
}

TEST(DecodeNumberWord, UnderscoresOnlyBetweenDigits) {
  LiteralError err;
  EXPECT_EQ(num("1_", &err), std::nullopt);
  EXPECT_EQ(err.message, "`_` must stand between two digits");
  EXPECT_EQ(err.offset, 1u);
  EXPECT_EQ(err.length, 1u);
  EXPECT_EQ(num("1__0", &err), std::nullopt);
  EXPECT_EQ(err.offset, 1u);
  EXPECT_EQ(num("_1", &err), std::nullopt);
  EXPECT_EQ(num("10_000_", &err), std::nullopt);
  EXPECT_EQ(err.offset, 6u);
  EXPECT_EQ(num("1_d", &err), std::nullopt);
  EXPECT_EQ(num("1d_5h", &err), std::nullopt);
}

TEST(DecodeNumberWord, Durations) {
  EXPECT_EQ(ms_of("90s"), 90'000);
  EXPECT_EQ(ms_of("15m"), 900'000);
  EXPECT_EQ(ms_of("1h"), 3'600'000);
  EXPECT_EQ(ms_of("1d"), 86'400'000);
  EXPECT_EQ(ms_of("1d12h"), 129'600'000);
  EXPECT_EQ(ms_of("2w"), 1'209'600'000);
  EXPECT_EQ(ms_of("1w2d3h4m5s"), 788'645'000);
  EXPECT_EQ(ms_of("1h30m"), 5'400'000);
  EXPECT_EQ(ms_of("1d1s"), 86'401'000);
  EXPECT_EQ(ms_of("0s"), 0);
  EXPECT_EQ(ms_of("0w0d0h0m0s"), 0);
  EXPECT_EQ(ms_of("1_000s"), 1'000'000);
  EXPECT_EQ(ms_of("36h"), 129'600'000);  // amounts are not limited to the unit's range
  EXPECT_EQ(ms_of("90m"), 5'400'000);
  EXPECT_EQ(ms_of("15250w"), 15250LL * 604'800'000LL);
  EXPECT_EQ(ms_of("15250284452w"), 9'223'372'036'569'600'000LL);         // the most weeks
  EXPECT_EQ(ms_of("15250284452w285175s"), 9'223'372'036'854'775'000LL);  // and seconds
}

TEST(DecodeNumberWord, DurationErrors) {
  // The duration messages are vm::parse_duration_literal's (vm/time_text.h); the offset is the
  // byte that is wrong.
  LiteralError err;
  EXPECT_EQ(num("30m1h", &err), std::nullopt);
  EXPECT_EQ(err.message, "units must be in the order w d h m s");
  EXPECT_EQ(err.offset, 4u);  // the `h`
  EXPECT_EQ(err.length, 1u);
  EXPECT_FALSE(err.help.empty());
  EXPECT_EQ(num("1s1w", &err), std::nullopt);
  EXPECT_EQ(err.message, "units must be in the order w d h m s");
  EXPECT_EQ(num("1d1w", &err), std::nullopt);
  EXPECT_EQ(num("1h2h", &err), std::nullopt);
  EXPECT_EQ(err.message, "unit `h` appears twice");
  EXPECT_EQ(err.offset, 3u);
  EXPECT_EQ(num("1d2h3d", &err), std::nullopt);
  EXPECT_EQ(err.message, "units must be in the order w d h m s");
  EXPECT_EQ(num("5x", &err), std::nullopt);
  EXPECT_NE(err.message.find("unknown duration unit"), std::string::npos) << err.message;
  EXPECT_EQ(err.offset, 1u);
  EXPECT_EQ(num("1ms", &err), std::nullopt);  // no millisecond unit
  EXPECT_EQ(num("1D", &err), std::nullopt);   // units are lowercase
  EXPECT_EQ(num("1d5", &err), std::nullopt);
  EXPECT_NE(err.message.find("missing unit"), std::string::npos) << err.message;
  EXPECT_EQ(err.offset, 2u);  // the `5`
  EXPECT_EQ(num("1dh", &err), std::nullopt);
  EXPECT_EQ(num("1e5", &err), std::nullopt);
  EXPECT_EQ(num("1d_5h", &err), std::nullopt);
  EXPECT_EQ(num("15250284453w", &err), std::nullopt);  // > INT64_MAX milliseconds
  EXPECT_EQ(err.message, "duration is too large");
  EXPECT_EQ(num("15250284452w285176s", &err), std::nullopt);  // the sum overflows
  EXPECT_EQ(err.message, "duration is too large");
  EXPECT_EQ(num("9223372036854775807s", &err), std::nullopt);
  EXPECT_EQ(err.message, "duration is too large");
}

// ---------------------------------------------------------------- floats

std::optional<double> flt(std::string_view text) {
  LiteralError err;
  auto v = decode_float(text, err);
  if (!v) {
    EXPECT_FALSE(err.message.empty()) << text;
  }
  return v;
}

TEST(DecodeFloat, Values) {
  EXPECT_EQ(flt("3.5"), 3.5);
  EXPECT_EQ(flt("0.0"), 0.0);
  EXPECT_EQ(flt("0.1"), 0.1);
  EXPECT_EQ(flt("1.5e-3"), 1.5e-3);
  EXPECT_EQ(flt("1.5E3"), 1500.0);
  EXPECT_EQ(flt("2.5e+2"), 250.0);
  EXPECT_EQ(flt("1_000.5"), 1000.5);
  EXPECT_EQ(flt("1.7976931348623157e308"), 1.7976931348623157e308);
  EXPECT_EQ(flt("4.9e-324"), 4.9e-324);
}

TEST(DecodeFloat, OutOfRange) {
  LiteralError err;
  EXPECT_EQ(decode_float("1.0e999", err), std::nullopt);
  EXPECT_EQ(err.message, "float literal is out of range");
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 7u);
  EXPECT_EQ(decode_float("1.8e308", err), std::nullopt);
}

// ---------------------------------------------------------------- percents

std::optional<uint32_t> pct(std::string_view text, LiteralError* error = nullptr) {
  LiteralError err;
  auto v = decode_percent(text, err);
  if (error) *error = err;
  if (!v) {
    EXPECT_FALSE(err.message.empty()) << text;
  }
  return v;
}

TEST(DecodePercent, BasisPoints) {
  EXPECT_EQ(pct("0%"), 0u);
  EXPECT_EQ(pct("45%"), 4500u);
  EXPECT_EQ(pct("33.33%"), 3333u);
  EXPECT_EQ(pct("33.34%"), 3334u);
  EXPECT_EQ(pct("12.3%"), 1230u);
  EXPECT_EQ(pct("0.5%"), 50u);
  EXPECT_EQ(pct("0.01%"), 1u);
  EXPECT_EQ(pct("99.99%"), 9999u);
  EXPECT_EQ(pct("100%"), 10000u);
  EXPECT_EQ(pct("100.0%"), 10000u);
  EXPECT_EQ(pct("100.00%"), 10000u);
  EXPECT_EQ(pct("050%"), 5000u);
}

TEST(DecodePercent, Errors) {
  LiteralError err;
  EXPECT_EQ(pct("100.01%", &err), std::nullopt);
  EXPECT_EQ(err.message, "a percent cannot exceed 100%");
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 7u);
  EXPECT_EQ(pct("101%", &err), std::nullopt);
  EXPECT_EQ(pct("999%", &err), std::nullopt);
  EXPECT_EQ(pct("1000%", &err), std::nullopt);
  EXPECT_EQ(pct("4294967296%", &err), std::nullopt);  // no wrap-around
  EXPECT_EQ(pct("33.333%", &err), std::nullopt);
  EXPECT_EQ(err.message, "a percent takes at most two decimals");
  EXPECT_EQ(pct("0.001%", &err), std::nullopt);
  EXPECT_EQ(pct("10.000%", &err), std::nullopt);
}

// ---------------------------------------------------------------- time of day, timestamps, days

std::optional<int32_t> tod(std::string_view text) {
  LiteralError err;
  auto v = decode_time_of_day(text, err);
  if (!v) {
    EXPECT_FALSE(err.message.empty()) << text;
  }
  return v;
}

TEST(DecodeTimeOfDay, ExactlyHhMm) {
  EXPECT_EQ(tod("00:00"), 0);
  EXPECT_EQ(tod("09:00"), 540);
  EXPECT_EQ(tod("21:30"), 1290);
  EXPECT_EQ(tod("23:59"), 1439);
  EXPECT_EQ(tod("24:00"), std::nullopt);
  EXPECT_EQ(tod("09:60"), std::nullopt);
  EXPECT_EQ(tod("9:00"), std::nullopt);
  EXPECT_EQ(tod("09:0"), std::nullopt);
  EXPECT_EQ(tod("009:00"), std::nullopt);
  EXPECT_EQ(tod("09:000"), std::nullopt);
  EXPECT_EQ(tod("0900"), std::nullopt);
  EXPECT_EQ(tod(""), std::nullopt);
  LiteralError err;
  EXPECT_EQ(decode_time_of_day("25:00", err), std::nullopt);
  EXPECT_EQ(err.message, "invalid time of day `25:00`");
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 5u);
}

std::optional<int64_t> ts(std::string_view text) {
  LiteralError err;
  auto v = decode_timestamp(text, err);
  if (!v) {
    EXPECT_EQ(err.message, "invalid timestamp literal") << text;
  }
  return v;
}

TEST(DecodeTimestamp, Rfc3339ToEpochMilliseconds) {
  constexpr int64_t k = 1796115600000;  // 2026-12-01T09:00:00Z
  EXPECT_EQ(ts("@2026-12-01T09:00:00Z"), k);
  EXPECT_EQ(ts("@2026-12-01t09:00:00z"), k);
  EXPECT_EQ(ts("@2026-12-01T10:00:00+01:00"), k);
  EXPECT_EQ(ts("@2026-12-01T04:30:00-04:30"), k);
  EXPECT_EQ(ts("@2026-12-02T08:59:00+23:59"), k);
  EXPECT_EQ(ts("@2026-12-01T09:00:00+00:00"), k);
  EXPECT_EQ(ts("@2026-12-01T09:00:00.5Z"), k + 500);
  EXPECT_EQ(ts("@2026-12-01T09:00:00.123Z"), k + 123);
  EXPECT_EQ(ts("@2026-12-01T09:00:00.123999999Z"), k + 123);  // truncated to milliseconds
  EXPECT_EQ(ts("@2026-12-01T10:00:00.001+01:00"), k + 1);
  EXPECT_EQ(ts("@1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ts("@1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(ts("@2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_EQ(ts("@0000-01-01T00:00:00Z"), -62167219200000);
  EXPECT_EQ(ts("@9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(DecodeTimestamp, Rejects) {
  for (std::string_view bad :
       {"@", "2026-12-01T09:00:00Z", "@2026-12-01", "@2026-12-01T09:00:00", "@2026-13-01T09:00:00Z",
        "@2026-12-32T09:00:00Z", "@2026-02-29T09:00:00Z", "@2026-12-01T24:00:00Z", "@2026-12-01T09:60:00Z",
        "@2026-12-01T09:00:60Z", "@2026-12-01 09:00:00Z", "@26-12-01T09:00:00Z", "@2026-12-01T09:00:00+0100",
        "@2026-12-01T09:00:00.Z", "@2026-12-01T09:00:00Zjunk"}) {
    EXPECT_EQ(ts(bad), std::nullopt) << bad;
  }
  LiteralError err;
  EXPECT_EQ(decode_timestamp("@nope", err), std::nullopt);
  EXPECT_EQ(err.offset, 0u);
  EXPECT_EQ(err.length, 5u);
}

TEST(DayIndex, Names) {
  EXPECT_EQ(day_index("mon"), 0);
  EXPECT_EQ(day_index("tue"), 1);
  EXPECT_EQ(day_index("wed"), 2);
  EXPECT_EQ(day_index("thu"), 3);
  EXPECT_EQ(day_index("fri"), 4);
  EXPECT_EQ(day_index("sat"), 5);
  EXPECT_EQ(day_index("sun"), 6);
  EXPECT_EQ(day_index("Mon"), -1);
  EXPECT_EQ(day_index("monday"), -1);
  EXPECT_EQ(day_index("mo"), -1);
  EXPECT_EQ(day_index(""), -1);
}

}  // namespace
}  // namespace laud::compiler
