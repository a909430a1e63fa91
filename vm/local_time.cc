// local_time.cc — next local time of day and quiet-hour ends over the system tz database.
#include "vm/local_time.h"

#include <date/tz.h>

#include <chrono>
#include <string>
#include <unordered_map>

namespace laud::vm {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using LocalMs = date::local_time<milliseconds>;
using SysMs = date::sys_time<milliseconds>;

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Zone lookups are cached per thread (a customer's zone is asked for at every send and wait).
const date::time_zone* find_zone(std::string_view name) {
  static const date::time_zone* utc = date::locate_zone("UTC");
  if (name.empty()) return utc;
  thread_local std::unordered_map<std::string, const date::time_zone*, NameHash, std::equal_to<>> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  const date::time_zone* zone = utc;
  try {
    zone = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
  }
  if (cache.size() < 4096) cache.emplace(std::string(name), zone);
  return zone;
}

// A local time as an instant: a gap maps to the gap's end, an ambiguous time to its first occurrence.
SysMs to_instant(const date::time_zone* zone, LocalMs local) {
  date::local_info info = zone->get_info(date::floor<std::chrono::seconds>(local));
  switch (info.result) {
    case date::local_info::unique:
      return SysMs(local.time_since_epoch()) - info.first.offset;
    case date::local_info::nonexistent:
      return std::chrono::time_point_cast<milliseconds>(info.second.begin);
    case date::local_info::ambiguous:
    default:
      return SysMs(local.time_since_epoch()) - info.first.offset;
  }
}

LocalMs to_local(const date::time_zone* zone, int64_t t_ms) {
  return zone->to_local(SysMs(milliseconds(t_ms)));
}

bool day_allowed(date::local_days day, uint8_t days) {
  if (days == 0) return true;
  unsigned iso = date::weekday(day).iso_encoding();  // 1 = Monday .. 7 = Sunday
  return (days >> (iso - 1)) & 1;
}

}  // namespace

int64_t next_local_time(int64_t now_ms, int32_t minutes_of_day, uint8_t days, std::string_view zone_name) {
  const date::time_zone* zone = find_zone(zone_name);
  date::local_days today = date::floor<date::days>(to_local(zone, now_ms));
  for (int i = -1; i <= 15; ++i) {
    date::local_days day = today + date::days(i);
    if (!day_allowed(day, days)) continue;
    LocalMs local = LocalMs(day) + minutes(minutes_of_day);
    int64_t t = to_instant(zone, local).time_since_epoch().count();
    if (t > now_ms) return t;
  }
  return now_ms + 7 * 86'400'000LL;  // unreachable with a non-empty day set
}

int32_t local_minutes(int64_t t_ms, std::string_view zone_name) {
  LocalMs local = to_local(find_zone(zone_name), t_ms);
  auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int32_t>(date::floor<minutes>(since_midnight).count());
}

int64_t quiet_end(int64_t t_ms, int32_t start, int32_t end, std::string_view zone_name) {
  if (start == end) return -1;
  int32_t m = local_minutes(t_ms, zone_name);
  bool quiet = start < end ? (m >= start && m < end) : (m >= start || m < end);
  if (!quiet) return -1;
  // The first instant after t whose local time is `end`. Unlike `wait until HH:MM` (first
  // occurrence), an ambiguous end counts at both occurrences: quiet hours that began in the
  // repeated hour end at its second pass (01:10 EST on a fall-back night → 01:30 EST, not tomorrow).
  const date::time_zone* zone = find_zone(zone_name);
  date::local_days today = date::floor<date::days>(to_local(zone, t_ms));
  for (int i = 0; i <= 2; ++i) {
    LocalMs local = LocalMs(today + date::days(i)) + minutes(end);
    date::local_info info = zone->get_info(date::floor<std::chrono::seconds>(local));
    if (info.result == date::local_info::ambiguous) {
      for (auto offset : {info.first.offset, info.second.offset}) {
        int64_t x = (SysMs(local.time_since_epoch()) - offset).time_since_epoch().count();
        if (x > t_ms) return x;
      }
      continue;
    }
    int64_t x = to_instant(zone, local).time_since_epoch().count();
    if (x > t_ms) return x;
  }
  return next_local_time(t_ms, end, 0, zone_name);
}

}  // namespace laud::vm
