// time_text.cc — RFC 3339 times, canonical durations, JavaScript-style floats, time zones.
// Calendar arithmetic is Howard Hinnant's days-from-civil over the proleptic Gregorian calendar;
// only is_valid_time_zone consults the tz database (date::locate_zone over the system tzdata).
#include "vm/time_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <system_error>

#include <date/tz.h>
#include <fmt/format.h>

namespace laud::vm {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_leap_year(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos` as a number; advances `pos`.
std::optional<int> read_digits(std::string_view s, size_t& pos, size_t n) {
  if (pos > s.size() || s.size() - pos < n) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

struct LocalDateTime {
  int year, month, day, hour, minute, second, millis;
};

std::optional<LocalDateTime> read_date_time(std::string_view s, size_t& pos) {
  LocalDateTime t{};
  auto y = read_digits(s, pos, 4);
  if (!y || !expect(s, pos, '-')) return std::nullopt;
  auto mo = read_digits(s, pos, 2);
  if (!mo || !expect(s, pos, '-')) return std::nullopt;
  auto d = read_digits(s, pos, 2);
  if (!d || pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
  ++pos;
  auto h = read_digits(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto mi = read_digits(s, pos, 2);
  if (!mi || !expect(s, pos, ':')) return std::nullopt;
  auto se = read_digits(s, pos, 2);
  if (!se) return std::nullopt;
  t = {*y, *mo, *d, *h, *mi, *se, 0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    for (; pos < s.size() && is_digit(s[pos]); ++pos)
      if (pos - start < 3) t.millis = t.millis * 10 + (s[pos] - '0');
    if (pos == start) return std::nullopt;
    for (size_t n = pos - start; n < 3; ++n) t.millis *= 10;
  }
  return t;
}

bool valid_fields(const LocalDateTime& t) {
  if (t.month < 1 || t.month > 12) return false;
  if (t.day < 1 || static_cast<unsigned>(t.day) > days_in_month(t.year, static_cast<unsigned>(t.month)))
    return false;
  return t.hour <= 23 && t.minute <= 59 && t.second <= 59;
}

// `Z`, `z` or `±HH:MM` → offset east of UTC in minutes.
std::optional<int> read_offset(std::string_view s, size_t& pos) {
  if (pos >= s.size()) return std::nullopt;
  char c = s[pos++];
  if (c == 'Z' || c == 'z') return 0;
  if (c != '+' && c != '-') return std::nullopt;
  auto h = read_digits(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto m = read_digits(s, pos, 2);
  if (!m || *h > 23 || *m > 59) return std::nullopt;
  int minutes = *h * 60 + *m;
  return c == '-' ? -minutes : minutes;
}

// Floor division and modulo for a positive divisor.
int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }
int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

std::string format_year(int64_t y) {
  if (y >= 0 && y <= 9999) return fmt::format("{:04}", y);
  uint64_t mag = y < 0 ? 0 - static_cast<uint64_t>(y) : static_cast<uint64_t>(y);
  return fmt::format("{}{:06}", y < 0 ? '-' : '+', mag);
}

// `.5` for 500 ms, `.25` for 250, `.001` for 1; empty for 0.
std::string millis_fraction(uint64_t ms) {
  if (ms == 0) return {};
  std::string f = fmt::format(".{:03}", ms);
  while (f.back() == '0') f.pop_back();
  return f;
}

struct DurationUnit {
  char letter;
  int64_t ms;
};
constexpr std::array<DurationUnit, 5> kUnits = {
    {{'w', kMsPerWeek}, {'d', kMsPerDay}, {'h', kMsPerHour}, {'m', kMsPerMinute}, {'s', kMsPerSecond}}};

int unit_index(char c) {
  for (size_t i = 0; i < kUnits.size(); ++i)
    if (kUnits[i].letter == c) return static_cast<int>(i);
  return -1;
}

std::optional<int64_t> fail(DurationError* error, size_t offset, size_t length, std::string message) {
  if (error) *error = DurationError{offset, std::move(message), length};
  return std::nullopt;
}

// Reads `[0-9]+(_[0-9]+)*` at `pos` into `amount`; returns an error message or empty.
std::string read_amount(std::string_view s, size_t& pos, int64_t& amount, bool& overflow) {
  amount = 0;
  overflow = false;
  size_t start = pos;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '_') {
      if (pos == start || !is_digit(s[pos - 1]) || pos + 1 >= s.size() || !is_digit(s[pos + 1]))
        return "`_` must stand between digits";
      continue;
    }
    if (!is_digit(c)) break;
    if (__builtin_mul_overflow(amount, 10, &amount) || __builtin_add_overflow(amount, c - '0', &amount))
      overflow = true;
  }
  if (pos == start) return "expected a number";
  return {};
}

// Plain-notation digits of a finite double, JavaScript rules (ECMA-262 Number::toString).
std::string js_number_text(double x) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::scientific);
  if (ec != std::errc()) return "NaN";
  std::string_view sci(buf.data(), static_cast<size_t>(end - buf.data()));
  bool negative = !sci.empty() && sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits += c;
  int exp10 = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // value = 0.DIGITS × 10^n
  std::string out = negative ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<size_t>(n - k), '0') + ".0";
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{}", n - 1 >= 0 ? '+' : '-', std::abs(n - 1));
  }
  return out;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                       // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;     // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               // [0, 146096]
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                        // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                      // [0, 11]
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  size_t pos = 0;
  auto t = read_date_time(text, pos);
  if (!t || !valid_fields(*t)) return std::nullopt;
  auto offset = read_offset(text, pos);
  if (!offset || pos != text.size()) return std::nullopt;
  int64_t days = days_from_civil(t->year, static_cast<unsigned>(t->month), static_cast<unsigned>(t->day));
  int64_t seconds = days * 86400 + t->hour * 3600 + t->minute * 60 + t->second - int64_t{*offset} * 60;
  return seconds * 1000 + t->millis;
}

std::string format_time(int64_t ms) {
  int64_t days = floor_div(ms, kMsPerDay);
  int64_t in_day = floor_mod(ms, kMsPerDay);
  CivilDate date = civil_from_days(days);
  int64_t h = in_day / kMsPerHour, m = in_day / kMsPerMinute % 60, s = in_day / kMsPerSecond % 60;
  int64_t millis = in_day % kMsPerSecond;
  std::string out = fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}", format_year(date.year), date.month,
                                date.day, h, m, s);
  if (millis != 0) out += fmt::format(".{:03}", millis);
  out += 'Z';
  return out;
}

std::string format_duration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  uint64_t rest = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  for (const DurationUnit& u : kUnits) {
    uint64_t unit = static_cast<uint64_t>(u.ms);
    uint64_t amount = rest / unit;
    if (u.letter == 's') {
      uint64_t millis = rest % unit;
      if (amount != 0 || millis != 0) out += fmt::format("{}{}s", amount, millis_fraction(millis));
      break;
    }
    if (amount != 0) out += fmt::format("{}{}", amount, u.letter);
    rest %= unit;
  }
  return out;
}

std::optional<int64_t> parse_duration_literal(std::string_view text, DurationError* error) {
  if (text.empty()) return fail(error, 0, 0, "empty duration");
  int64_t total = 0;
  int last_unit = -1;
  bool too_large = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t part = pos;
    int64_t amount = 0;
    bool overflow = false;
    std::string bad = read_amount(text, pos, amount, overflow);
    if (!bad.empty()) return fail(error, pos, 1, bad);
    if (pos >= text.size())
      return fail(error, part, pos - part, "missing unit after the number; units are w d h m s");
    if (text[pos] == 'm' && pos + 1 < text.size() && text[pos + 1] == 's')
      return fail(error, pos, 2, "`ms` is not a duration unit; units are w d h m s");
    int unit = unit_index(text[pos]);
    if (unit < 0) return fail(error, pos, 1, "unknown duration unit; units are w d h m s");
    if (unit == last_unit)
      return fail(error, pos, 1, fmt::format("unit `{}` appears twice", text[pos]));
    if (unit < last_unit) return fail(error, pos, 1, "units must be in the order w d h m s");
    last_unit = unit;
    ++pos;
    int64_t part_ms = 0;
    if (overflow || __builtin_mul_overflow(amount, kUnits[static_cast<size_t>(unit)].ms, &part_ms) ||
        __builtin_add_overflow(total, part_ms, &total))
      too_large = true;
  }
  // Reported after the whole literal is read, so a malformed literal gets its precise message.
  if (too_large) return fail(error, 0, text.size(), "duration is too large");
  return total;
}

std::string format_float(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0) return "0.0";
  return js_number_text(x);
}

bool is_valid_time_zone(std::string_view name) {
  if (name.empty()) return false;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<int> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  size_t pos = 0;
  auto h = read_digits(text, pos, 2);
  ++pos;
  auto m = read_digits(text, pos, 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace laud::vm
