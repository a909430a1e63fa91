// text_form_test.cc — text forms (string(), `to`) and dispatch-record JSON of VM values:
// the heap-free formatters agree with vm/time_text byte for byte, §13's examples, JSON escaping
// and UTF-8 repair, and no heap allocation on the hot paths.
#include "vm/text_form.h"

#include "tests/support/values.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "vm/builtins.h"
#include "vm/time_text.h"
#include "vm/value_ops.h"

// Counts global operator new calls, to check that hot paths allocate nothing.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace laud::vm {
namespace {

using namespace test_values;

std::string text(const Value& v) {
  std::string out;
  append_text(out, v);
  return out;
}
std::string json(const Value& v) {
  std::string out;
  append_json(out, v);
  return out;
}
std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// ---------------------------------------------------------------- formatters vs time_text

TEST(ShortTexts, TimeMatchesFormatTime) {
  std::vector<int64_t> samples = {0, 1, -1, 999, 1000, -1000, 1767225600000, 1767225600250, 253402300799999,
                                  253402300800000, -62167219200000, -62167219200001, kMax, kMin, kMax - 1,
                                  kMin + 1, 951782400000 /* 2000-02-29 */, -2208988800000 /* 1900 */};
  std::mt19937_64 rng(42);
  for (int k = 0; k < 20000; ++k) samples.push_back(static_cast<int64_t>(rng()));
  for (int k = 0; k < 20000; ++k) samples.push_back(static_cast<int64_t>(rng() % 400000000000000) - 200000000000000);
  for (int64_t ms : samples) ASSERT_EQ(time_text(ms).view(), format_time(ms)) << ms;
  EXPECT_EQ(time_text(1767225600000).view(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(time_text(1767225600250).view(), "2026-01-01T00:00:00.250Z");
  EXPECT_EQ(time_text(-1).view(), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(time_text(253402300800000).view(), "+010000-01-01T00:00:00Z");
  EXPECT_EQ(time_text(-62167219200001).view(), "-000001-12-31T23:59:59.999Z");
}

TEST(ShortTexts, DurationMatchesFormatDuration) {
  std::vector<int64_t> samples = {0, 1, -1, 999, 1000, 1500, 60000, 60001, 90000, 3600000, 86400000, 129600000,
                                  604800000, 1209600000, kMax, kMin, kMax - 1, kMin + 1, -90000};
  std::mt19937_64 rng(7);
  for (int k = 0; k < 20000; ++k) samples.push_back(static_cast<int64_t>(rng()));
  for (int k = 0; k < 20000; ++k) samples.push_back(static_cast<int64_t>(rng() % 20000000000) - 10000000000);
  for (int64_t ms : samples) ASSERT_EQ(duration_text(ms).view(), format_duration(ms)) << ms;
  EXPECT_EQ(duration_text(129600000).view(), "1d12h");
  EXPECT_EQ(duration_text(90000).view(), "1m30s");
  EXPECT_EQ(duration_text(0).view(), "0s");
  EXPECT_EQ(duration_text(1500).view(), "1.5s");
  EXPECT_EQ(duration_text(250).view(), "0.25s");
  EXPECT_EQ(duration_text(1209600000).view(), "2w");
  EXPECT_EQ(duration_text(60001).view(), "1m0.001s");
  EXPECT_EQ(duration_text(-90000).view(), "-1m30s");
  EXPECT_EQ(duration_text(kMin).view(), "-15250284452w3d7h12m55.808s");
}

TEST(ShortTexts, FloatMatchesFormatFloat) {
  std::vector<double> samples = {0.0, -0.0, 1.0, -1.0, 2.0, 150.5, 0.1, 0.1 + 0.2, 1e21, 1e20, 123456789012345680000.0,
                                 1e-6, 1e-7, 1.5e-7, 5e-324, -5e-324, 1.7976931348623157e308, 9007199254740993.0,
                                 100.0, 1e15, 1e16, 1e17, 0.000001234, 12345.678, -1e-300,
                                 std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(3);
  for (int k = 0; k < 50000; ++k) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    samples.push_back(d);
  }
  std::uniform_real_distribution<double> small(-1e7, 1e7);
  for (int k = 0; k < 20000; ++k) samples.push_back(small(rng));
  for (int k = 0; k < 5000; ++k) samples.push_back(std::round(small(rng)));
  for (double d : samples) ASSERT_EQ(float_text(d).view(), format_float(d)) << d;
  EXPECT_EQ(float_text(2.0).view(), "2.0");
  EXPECT_EQ(float_text(150.5).view(), "150.5");
  EXPECT_EQ(float_text(1e21).view(), "1e+21");
  EXPECT_EQ(float_text(1e20).view(), "100000000000000000000.0");
  EXPECT_EQ(float_text(1.5e-7).view(), "1.5e-7");
  EXPECT_EQ(float_text(0.000001).view(), "0.000001");
  EXPECT_EQ(float_text(-0.0).view(), "0.0");
  EXPECT_EQ(float_text(0.1 + 0.2).view(), "0.30000000000000004");
  EXPECT_EQ(float_text(-1.7976931348623157e308).view(), "-1.7976931348623157e+308");
  EXPECT_EQ(float_text(5e-324).view(), "5e-324");
}

TEST(ShortTexts, Ints) {
  EXPECT_EQ(int_text(0).view(), "0");
  EXPECT_EQ(int_text(-42).view(), "-42");
  EXPECT_EQ(int_text(kMax).view(), "9223372036854775807");
  EXPECT_EQ(int_text(kMin).view(), "-9223372036854775808");
}

// ---------------------------------------------------------------- text forms

TEST(TextForm, Scalars) {
  EXPECT_EQ(text(I(42)), "42");
  EXPECT_EQ(text(I(-7)), "-7");
  EXPECT_EQ(text(F(2.0)), "2.0");
  EXPECT_EQ(text(F(150.5)), "150.5");
  EXPECT_EQ(text(F(1e21)), "1e+21");
  EXPECT_EQ(text(B(true)), "true");
  EXPECT_EQ(text(B(false)), "false");
  EXPECT_EQ(text(S("as \"is\"\n")), "as \"is\"\n");
  EXPECT_EQ(text(S("\xFF")), "\xFF");  // the text form of a string is its bytes
  EXPECT_EQ(text(T("2026-11-26T10:00:00Z")), "2026-11-26T10:00:00Z");
  EXPECT_EQ(text(T("2026-11-26T10:00:00.5Z")), "2026-11-26T10:00:00.500Z");
  EXPECT_EQ(text(D(129600000)), "1d12h");
  EXPECT_EQ(text(D(90000)), "1m30s");
  EXPECT_EQ(text(D(0)), "0s");
  EXPECT_EQ(text(D(1500)), "1.5s");
}

TEST(TextForm, NullAndObjectsHaveNoText) {
  Arena arena;
  EXPECT_FALSE(has_text(N()));
  EXPECT_FALSE(has_text(O()));
  EXPECT_TRUE(has_text(S("")));
  EXPECT_TRUE(has_text(B(false)));
  std::string out = "x";
  append_text(out, N());
  append_text(out, O());
  EXPECT_EQ(out, "x");
  EXPECT_TRUE(text_value(N(), arena).is_null());
  EXPECT_TRUE(text_value(O(), arena).is_null());
}

TEST(TextForm, ListsAreCompactJson) {
  Lists L;
  EXPECT_EQ(text(L({I(1), S("a"), B(true), N()})), R"([1,"a",true,null])");
  EXPECT_EQ(text(L({})), "[]");
  EXPECT_EQ(text(L({L({}), L({I(1), L({F(2.0)})})})), "[[],[1,[2.0]]]");
  EXPECT_EQ(text(L({F(150.5), F(1e21), F(-0.0)})), "[150.5,1e+21,0.0]");
  EXPECT_EQ(text(L({T("2026-11-26T10:00:00Z"), D(90000)})), R"(["2026-11-26T10:00:00Z","1m30s"])");
  EXPECT_EQ(text(L({S("say \"hi\"\n"), S("back\\slash")})), R"(["say \"hi\"\n","back\\slash"])");
  EXPECT_EQ(text(L({O(), N()})), "[null,null]");
  EXPECT_EQ(text(L({F(std::numeric_limits<double>::quiet_NaN())})), "[null]");
}

TEST(TextForm, TextValueWritesIntoTheArena) {
  Lists L;
  Arena arena;
  Value list = L({I(1), S("\xC3\xA9"), L({D(1500)})});
  Value v = text_value(list, arena);
  ASSERT_EQ(v.kind, Kind::kString);
  EXPECT_EQ(v.str(), R"([1,"é",["1.5s"]])");
  EXPECT_EQ(text_value(I(0), arena).str(), "0");
  EXPECT_EQ(text_value(F(0.5), arena).str(), "0.5");
  EXPECT_EQ(text_value(B(true), arena).str(), "true");
  EXPECT_EQ(text_value(T("2026-11-26T10:00:00Z"), arena).str(), "2026-11-26T10:00:00Z");
  Value s = S("keep");
  EXPECT_EQ(text_value(s, arena).s, s.s);
  EXPECT_EQ(text_value(L({}), arena).str(), "[]");
}

// ---------------------------------------------------------------- JSON

TEST(Json, Values) {
  Lists L;
  EXPECT_EQ(json(N()), "null");
  EXPECT_EQ(json(B(true)), "true");
  EXPECT_EQ(json(B(false)), "false");
  EXPECT_EQ(json(I(kMin)), "-9223372036854775808");
  EXPECT_EQ(json(F(2.0)), "2.0");
  EXPECT_EQ(json(F(1e21)), "1e+21");
  EXPECT_EQ(json(F(1.5e-7)), "1.5e-7");
  EXPECT_EQ(json(F(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(json(S("Ada")), "\"Ada\"");
  EXPECT_EQ(json(T("2026-11-26T10:00:00Z")), "\"2026-11-26T10:00:00Z\"");
  EXPECT_EQ(json(D(129600000)), "\"1d12h\"");
  EXPECT_EQ(json(L({I(1), S("a"), B(true), N()})), R"([1,"a",true,null])");
  EXPECT_EQ(json(O()), "null");
  EXPECT_EQ(json(L({O()})), "[null]");
  std::string out = "{\"k\":";
  append_json(out, S("v"));
  EXPECT_EQ(out, "{\"k\":\"v\"");  // appends
}

TEST(Json, StringEscaping) {
  EXPECT_EQ(json_string(""), R"("")");
  EXPECT_EQ(json_string("plain text"), R"("plain text")");
  EXPECT_EQ(json_string("\""), R"("\"")");
  EXPECT_EQ(json_string("\\"), R"("\\")");
  EXPECT_EQ(json_string("/"), R"("/")");
  EXPECT_EQ(json_string("\b\t\n\f\r"), R"("\b\t\n\f\r")");
  EXPECT_EQ(json_string(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(json_string("\x01\x1f\x0b"), R"("\u0001\u001f\u000b")");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
  EXPECT_EQ(json_string("a\"b\\c\nd"), R"("a\"b\\c\nd")");
  // Valid UTF-8 stays as it is, U+2028/2029 included.
  EXPECT_EQ(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8\"");
  EXPECT_EQ(json_string("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"");  // U+FFFF, U+10FFFF
}

// Every byte value, and multi-byte characters whole and cut short, at every position of a longer
// string come out as they do alone (what the tests above check), surrounded by plain text.
TEST(Json, LongStringsEscapeEveryByteWhereverItIs) {
  auto inner = [](std::string_view piece) {
    std::string j = json_string(piece);
    return j.substr(1, j.size() - 2);
  };
  for (int b = 0; b < 256; ++b) {
    const std::string byte(1, static_cast<char>(b));
    for (size_t at = 0; at < 24; ++at) {
      std::string s(24, 'a');
      s[at] = static_cast<char>(b);
      ASSERT_EQ(json_string(s), "\"" + std::string(at, 'a') + inner(byte) + std::string(23 - at, 'a') + "\"")
          << "byte " << b << " at " << at;
    }
  }
  for (std::string_view ch : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xE2\x82", "\xF0\x9F\x98"}) {
    for (size_t at = 0; at < 20; ++at) {
      std::string s = std::string(at, 'x') + std::string(ch) + std::string(20, 'y') + "\"";
      ASSERT_EQ(json_string(s), "\"" + std::string(at, 'x') + inner(ch) + std::string(20, 'y') + "\\\"\"") << at;
    }
  }
}

TEST(Json, IllFormedUtf8BecomesReplacementCharacters) {
  const std::string R = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(json_string("\xFF"), "\"" + R + "\"");
  EXPECT_EQ(json_string("a\xFF" "b"), "\"a" + R + "b\"");
  EXPECT_EQ(json_string("\x80\x80"), "\"" + R + R + "\"");
  EXPECT_EQ(json_string("\xE2\x82"), "\"" + R + "\"");                 // truncated: one
  EXPECT_EQ(json_string("\xE2\x82" "a"), "\"" + R + "a\"");
  EXPECT_EQ(json_string("\xE2\x82\n"), "\"" + R + "\\n\"");
  EXPECT_EQ(json_string("\xC0\xAF"), "\"" + R + R + "\"");              // overlong
  EXPECT_EQ(json_string("\xE0\x80\xAF"), "\"" + R + R + R + "\"");      // overlong 3-byte
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"" + R + R + R + "\"");      // surrogate
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), "\"" + R + R + R + R + "\"");  // above U+10FFFF
  EXPECT_EQ(json_string("\xF0\x9F\x98"), "\"" + R + "\"");
  EXPECT_EQ(json_string("\xF0\x9F\x98\xF0\x9F\x98\x80"), "\"" + R + "\xF0\x9F\x98\x80\"");
  EXPECT_EQ(json_string("\xC3"), "\"" + R + "\"");
  EXPECT_EQ(json_string("\xF8\x88\x80\x80\x80"), "\"" + R + R + R + R + R + "\"");
}

TEST(Json, Utf8Length) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("caf\xC3\xA9"), 4u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(utf8_length("\xE2\x82"), 1u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\xF0\x9F\x98\x80"), 2u);
  // For any bytes, the length is the number of code points of the repaired JSON text.
  std::mt19937_64 rng(11);
  for (int k = 0; k < 2000; ++k) {
    std::string s;
    size_t n = rng() % 12;
    for (size_t j = 0; j < n; ++j) s.push_back(static_cast<char>(0x70 + rng() % 0x90));  // 0x70..0xFF
    std::string j = json_string(s);
    size_t repaired = 0;
    for (unsigned char c : j) repaired += (c & 0xC0) != 0x80;
    ASSERT_EQ(utf8_length(s) + 2, repaired) << s;  // the quotes
  }
}

// ---------------------------------------------------------------- allocation-free hot paths

TEST(NoAllocation, OperatorsBuiltinsAndTexts) {
  Lists L;
  Arena arena;
  Value list = L({I(1), S("a\"b"), T("2026-11-26T10:00:00.250Z"), D(129600000), F(150.5), L({B(true), N()})});
  Value t = T("2026-11-26T10:00:00Z");
  std::string out;
  out.reserve(4096);
  // Warm the arena's first block.
  (void)call_builtin(Builtin::kString, list, arena);
  arena.reset();
  long before = g_allocations.load();
  for (int k = 0; k < 100; ++k) {
    volatile bool sink = equal(I(k), F(1.0)) || less(S("a"), S("b")) || equal(t, S("2026-11-26T10:00:00Z")) ||
                         in_list(S("2026-11-26T10:00:00.250Z"), list) || contains(S("hello"), S("ll"));
    (void)sink;
    (void)add(S("abc"), S("def"), arena);
    (void)add(S("2026-11-26T10:00:00Z"), D(1000), arena);
    (void)divide(D(7), I(2));
    (void)call_builtin(Builtin::kString, list, arena);
    (void)call_builtin(Builtin::kString, F(1e21), arena);
    (void)call_builtin(Builtin::kUpper, S("abc"), arena);
    (void)call_builtin(Builtin::kLen, S("caf\xC3\xA9"), arena);
    (void)call_builtin(Builtin::kInt, S("-3.9"), arena);
    (void)call_builtin(Builtin::kFloat, S("-3.9"), arena);
    (void)call_builtin(Builtin::kTime, S("2026-11-26T10:00:00Z"), arena);
    out.clear();
    append_json(out, list);
    append_text(out, t);
    append_json_string(out, "\xFF\n");
    arena.reset();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace laud::vm
