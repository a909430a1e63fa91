// literals.cc — decoders for literal tokens; every failure names the offending byte range.
#include "compiler/literals.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "vm/time_text.h"

namespace laud::compiler {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool decode_unicode_escape(std::string_view body, size_t& i, std::string& out, LiteralError& err) {
  size_t start = i;  // at the backslash
  if (i + 2 >= body.size() || body[i + 2] != '{') {
    err = {start, 2, "`\\u` must be followed by `{HEX}`", "write a code point as `\\u{1F600}`"};
    return false;
  }
  size_t j = i + 3;
  uint32_t cp = 0;
  int digits = 0;
  while (j < body.size() && hex_value(body[j]) >= 0 && digits < 7) {
    cp = cp * 16 + static_cast<uint32_t>(hex_value(body[j]));
    ++j, ++digits;
  }
  if (j >= body.size() || body[j] != '}' || digits == 0 || digits > 6) {
    err = {start, j - start, "malformed `\\u{...}` escape: expected 1 to 6 hex digits and `}`", ""};
    return false;
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    err = {start, j + 1 - start, "`\\u{...}` is not a Unicode scalar value", ""};
    return false;
  }
  append_utf8(out, cp);
  i = j + 1;
  return true;
}

}  // namespace

bool decode_string(std::string_view body, std::string& out, LiteralError& err) {
  out.clear();
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    char c = body[i];
    if (c == '\\') {
      char e = i + 1 < body.size() ? body[i + 1] : '\0';
      switch (e) {
        case '"': out += '"'; i += 2; continue;
        case '\\': out += '\\'; i += 2; continue;
        case 'n': out += '\n'; i += 2; continue;
        case 't': out += '\t'; i += 2; continue;
        case 'u':
          if (!decode_unicode_escape(body, i, out, err)) return false;
          continue;
        default:
          err = {i, 2, "unknown escape sequence", "the escapes are \\\" \\\\ \\n \\t and \\u{HEX}"};
          return false;
      }
    }
    size_t n = utf8_length(body, i);
    if (n == 0) {
      err = {i, 1, "invalid UTF-8 in string literal", ""};
      return false;
    }
    out.append(body.data() + i, n);
    i += n;
  }
  return true;
}

namespace {

// Parses digits with single `_` separators from word[i]; returns false on overflow.
bool scan_amount(std::string_view word, size_t& i, int64_t& value, LiteralError& err) {
  size_t start = i;
  value = 0;
  while (i < word.size() && (is_digit(word[i]) || word[i] == '_')) {
    if (word[i] == '_') {
      bool ok = i > start && i + 1 < word.size() && is_digit(word[i + 1]) && is_digit(word[i - 1]);
      if (!ok) {
        err = {i, 1, "`_` must stand between two digits", ""};
        return false;
      }
    } else {
      int d = word[i] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - d) / 10) {
        size_t run_end = i;  // underline the whole run of digits
        while (run_end < word.size() && (is_digit(word[run_end]) || word[run_end] == '_')) ++run_end;
        err = {start, run_end - start, "integer literal is too large", "the largest int is 9223372036854775807"};
        return false;
      }
      value = value * 10 + d;
    }
    ++i;
  }
  return true;
}

std::optional<NumberWord> decode_duration(std::string_view word, LiteralError& err) {
  // A run of two or more letters is a word, not units (`2days`, `5mins`): name it.
  for (size_t i = 0; i < word.size();) {
    size_t j = i;
    while (j < word.size() && ((word[j] >= 'a' && word[j] <= 'z') || (word[j] >= 'A' && word[j] <= 'Z'))) ++j;
    if (j - i >= 2) {
      err = {i, j - i, "`" + std::string(word.substr(i, j - i)) + "` is not a duration unit; units are w d h m s",
             "durations look like `90s`, `15m`, `1d12h`, `2w`"};
      return std::nullopt;
    }
    i = j > i ? j : i + 1;
  }
  vm::DurationError de;
  if (auto ms = vm::parse_duration_literal(word, &de)) return NumberWord{NumberKind::kDuration, *ms};
  err = {de.offset, de.length, de.message, "durations look like `90s`, `15m`, `1d12h`, `2w`"};
  if (de.message.find("order") != std::string::npos) err.help = "write the larger unit first, e.g. `1h30m`";
  return std::nullopt;
}

}  // namespace

std::optional<NumberWord> decode_number_word(std::string_view word, LiteralError& err) {
  size_t i = 0;
  int64_t value = 0;
  if (!scan_amount(word, i, value, err)) return std::nullopt;
  if (i == word.size()) return NumberWord{NumberKind::kInt, value};
  return decode_duration(word, err);
}

std::optional<double> decode_float(std::string_view text, LiteralError& err) {
  std::string clean;
  for (char c : text)
    if (c != '_') clean += c;
  double v = 0;
  auto [p, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), v);
  if (ec != std::errc() || p != clean.data() + clean.size() || !std::isfinite(v)) {
    err = {0, text.size(), "float literal is out of range", ""};
    return std::nullopt;
  }
  return v;
}

std::optional<uint32_t> decode_percent(std::string_view text, LiteralError& err) {
  std::string_view num = text.substr(0, text.size() - 1);  // drop '%'
  size_t dot = num.find('.');
  std::string_view whole = num.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : num.substr(dot + 1);
  if (frac.size() > 2) {
    err = {0, text.size(), "a percent takes at most two decimals", "e.g. `33.33%`"};
    return std::nullopt;
  }
  if (whole.size() > 3) {
    err = {0, text.size(), "a percent cannot exceed 100%", ""};
    return std::nullopt;
  }
  uint32_t bp = 0;
  for (char c : whole) bp = bp * 10 + static_cast<uint32_t>(c - '0');
  bp *= 100;
  if (frac.size() >= 1) bp += static_cast<uint32_t>(frac[0] - '0') * 10;
  if (frac.size() == 2) bp += static_cast<uint32_t>(frac[1] - '0');
  if (bp > 10000) {
    err = {0, text.size(), "a percent cannot exceed 100%", ""};
    return std::nullopt;
  }
  return bp;
}

std::optional<int32_t> decode_time_of_day(std::string_view text, LiteralError& err) {
  if (auto m = vm::parse_time_of_day(text)) return *m;
  err = {0, text.size(), "invalid time of day `" + std::string(text) + "`",
         "a time of day is exactly HH:MM, from 00:00 to 23:59"};
  return std::nullopt;
}

std::optional<int64_t> decode_timestamp(std::string_view text, LiteralError& err) {
  if (text.size() > 1)
    if (auto t = vm::parse_rfc3339(text.substr(1))) return *t;
  err = {0, text.size(), "invalid timestamp literal",
         "timestamps are RFC 3339, e.g. `@2026-12-01T09:00:00Z` or `@2026-12-01T10:00:00+01:00`"};
  return std::nullopt;
}

int day_index(std::string_view name) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (kDays[i] == name) return i;
  return -1;
}

}  // namespace laud::compiler
