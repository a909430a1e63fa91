// local_time.h — calendar arithmetic in IANA time zones (Howard Hinnant's date/tz over the
// system tzdata): `wait until HH:MM on DAYS in TZ` and quiet hours (LANGUAGE.md §6, §7).
// A null or unknown zone means UTC; a local time in a DST gap means the first instant after the
// gap; an ambiguous one means its first occurrence.
#pragma once

#include <cstdint>
#include <string_view>

namespace laud::vm {

// The first instant strictly after `now_ms` whose local time in `zone` is `minutes` after
// midnight on a day in `days` (bit 0 Monday .. bit 6 Sunday; 0 = every day).
int64_t next_local_time(int64_t now_ms, int32_t minutes, uint8_t days, std::string_view zone);

// Minutes after local midnight of `t_ms` in `zone` (0..1439).
int32_t local_minutes(int64_t t_ms, std::string_view zone);

// Quiet hours [start, end) in local time, possibly wrapping midnight; start == end is never quiet.
// Returns the instant the quiet period containing `t_ms` ends, or -1 when `t_ms` is not quiet.
int64_t quiet_end(int64_t t_ms, int32_t start_minutes, int32_t end_minutes, std::string_view zone);

}  // namespace laud::vm
