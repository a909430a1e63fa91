// time_text.h — text forms of times, durations and floats, shared by compiler and runtime.
// RFC 3339 parsing and `2026-11-26T10:00:00Z` formatting (LANGUAGE.md §10, §13), canonical
// durations (`1d12h`, `1m30s`, `0.25s`), JavaScript-style floats with a `.0` on integral values,
// time-of-day and time-zone checks. Pure arithmetic: no locale or C time functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace laud::vm {

inline constexpr int64_t kMsPerSecond = 1000;
inline constexpr int64_t kMsPerMinute = 60 * kMsPerSecond;
inline constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
inline constexpr int64_t kMsPerDay = 24 * kMsPerHour;
inline constexpr int64_t kMsPerWeek = 7 * kMsPerDay;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, day 1–31; not validated).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

struct CivilDate {
  int64_t year;
  unsigned month;  // 1–12
  unsigned day;    // 1–31
};
CivilDate civil_from_days(int64_t days);

// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` → ms since the Unix epoch, UTC. Accepts `t` and `z`;
// truncates the fraction (any length) to milliseconds; rejects second 60, impossible dates,
// offsets beyond ±23:59 and anything else (no leading/trailing space).
std::optional<int64_t> parse_rfc3339(std::string_view text);

// `2026-11-26T10:00:00Z`, or `2026-11-26T10:00:00.250Z` when the milliseconds are not zero.
// Years outside 0000–9999 (only reachable from arithmetic) print as `+YYYYYY`/`-YYYYYY` like
// JavaScript's Date#toISOString, so every int64 has a text.
std::string format_time(int64_t ms);

// Canonical duration text: units w d h m s, largest first, zero units omitted, milliseconds as
// a fraction of seconds without trailing zeros (`1.5s`, `0.25s`, `1m0.001s`), zero is `0s`,
// negative durations have one leading `-` (`-1m30s`).
std::string format_duration(int64_t ms);

struct DurationError {
  size_t offset = 0;  // byte offset in the literal where the problem starts
  std::string message;
  size_t length = 1;  // bytes to underline
};

// A source duration literal: `90s`, `1d12h`, `2w`, `1_000s`. Integer amounts (`_` allowed between
// digits), units in the order w d h m s, each at most once. On failure returns nullopt and, when
// `error` is given, fills it (`units must be in the order w d h m s`, `unit `h` appears twice`,
// `duration is too large`, ...).
std::optional<int64_t> parse_duration_literal(std::string_view text, DurationError* error = nullptr);

// JavaScript Number#toString (shortest round-trip digits; exponent form `1e+21`, `1.5e-7` when
// |x| >= 1e21 or |x| < 1e-6), except that integral values in plain form end in `.0` (`2.0`).
// -0 prints `0.0` (JavaScript prints `0`; the sign of zero is not shown). NaN and infinities,
// which laud values never hold, print `NaN`, `Infinity`, `-Infinity`.
std::string format_float(double x);

// True when `name` is an IANA zone (or link) known to the system tz database.
bool is_valid_time_zone(std::string_view name);

// Exactly `HH:MM` with two digits each, 00:00–23:59 → minutes after midnight.
std::optional<int> parse_time_of_day(std::string_view text);

}  // namespace laud::vm
