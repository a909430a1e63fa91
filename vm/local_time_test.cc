// local_time_test.cc — `wait until HH:MM on DAYS in TZ` and quiet hours across zones and DST.
#include "vm/local_time.h"

#include <gtest/gtest.h>

#include "vm/time_text.h"

namespace laud::vm {
namespace {

int64_t t(const char* rfc3339) { return *parse_rfc3339(rfc3339); }
std::string text(int64_t ms) { return format_time(ms); }

TEST(NextLocalTime, LaterTodayOrTomorrowInUtc) {
  EXPECT_EQ(text(next_local_time(t("2026-11-26T08:00:00Z"), 9 * 60, 0, "")), "2026-11-26T09:00:00Z");
  EXPECT_EQ(text(next_local_time(t("2026-11-26T09:00:00Z"), 9 * 60, 0, "")), "2026-11-27T09:00:00Z");  // strictly after
  EXPECT_EQ(text(next_local_time(t("2026-11-26T10:00:00Z"), 9 * 60, 0, "UTC")), "2026-11-27T09:00:00Z");
}

TEST(NextLocalTime, InAZone) {
  // Paris is UTC+1 in November: 09:00 local is 08:00Z.
  EXPECT_EQ(text(next_local_time(t("2026-11-26T07:00:00Z"), 9 * 60, 0, "Europe/Paris")), "2026-11-26T08:00:00Z");
  // New York is UTC-5: 09:00 local is 14:00Z; at 15:00Z it is the next day.
  EXPECT_EQ(text(next_local_time(t("2026-11-26T15:00:00Z"), 9 * 60, 0, "America/New_York")), "2026-11-27T14:00:00Z");
}

TEST(NextLocalTime, UnknownZoneIsUtc) {
  EXPECT_EQ(text(next_local_time(t("2026-11-26T08:00:00Z"), 9 * 60, 0, "Mars/Olympus")), "2026-11-26T09:00:00Z");
}

TEST(NextLocalTime, Weekdays) {
  constexpr uint8_t kMonFri = 0b0011111, kWeekend = 0b1100000;
  // 2026-11-27 is a Friday.
  EXPECT_EQ(text(next_local_time(t("2026-11-27T10:00:00Z"), 9 * 60, kMonFri, "")), "2026-11-30T09:00:00Z");
  EXPECT_EQ(text(next_local_time(t("2026-11-27T10:00:00Z"), 9 * 60, kWeekend, "")), "2026-11-28T09:00:00Z");
  EXPECT_EQ(text(next_local_time(t("2026-11-28T10:00:00Z"), 9 * 60, kWeekend, "")), "2026-11-29T09:00:00Z");
}

TEST(NextLocalTime, DstGapMeansTheFirstInstantAfterIt) {
  // Europe/Paris springs forward on 2026-03-29: 02:00 → 03:00 local (01:00Z). 02:30 does not exist.
  EXPECT_EQ(text(next_local_time(t("2026-03-28T12:00:00Z"), 2 * 60 + 30, 0, "Europe/Paris")), "2026-03-29T01:00:00Z");
}

TEST(NextLocalTime, AmbiguousTimeMeansItsFirstOccurrence) {
  // Europe/Paris falls back on 2026-10-25: 03:00 → 02:00 local; 02:30 happens twice (00:30Z, 01:30Z).
  EXPECT_EQ(text(next_local_time(t("2026-10-24T12:00:00Z"), 2 * 60 + 30, 0, "Europe/Paris")), "2026-10-25T00:30:00Z");
}

TEST(QuietHours, WrappingMidnight) {
  // 22:00-08:00 UTC
  EXPECT_EQ(quiet_end(t("2026-11-26T21:59:59Z"), 22 * 60, 8 * 60, ""), -1);
  EXPECT_EQ(text(quiet_end(t("2026-11-26T22:00:00Z"), 22 * 60, 8 * 60, "")), "2026-11-27T08:00:00Z");
  EXPECT_EQ(text(quiet_end(t("2026-11-27T07:59:00Z"), 22 * 60, 8 * 60, "")), "2026-11-27T08:00:00Z");
  EXPECT_EQ(quiet_end(t("2026-11-27T08:00:00Z"), 22 * 60, 8 * 60, ""), -1);  // [start, end)
}

TEST(QuietHours, SameDayRangeAndEmptyRange) {
  EXPECT_EQ(text(quiet_end(t("2026-11-26T12:30:00Z"), 12 * 60, 14 * 60, "")), "2026-11-26T14:00:00Z");
  EXPECT_EQ(quiet_end(t("2026-11-26T11:59:00Z"), 12 * 60, 14 * 60, ""), -1);
  EXPECT_EQ(quiet_end(t("2026-11-26T12:30:00Z"), 12 * 60, 12 * 60, ""), -1);  // start == end: never quiet
}

TEST(QuietHours, InAZone) {
  // 22:00-08:00 in Tokyo (UTC+9): 14:00Z is 23:00 local → ends 08:00 local = 23:00Z.
  EXPECT_EQ(text(quiet_end(t("2026-11-26T14:00:00Z"), 22 * 60, 8 * 60, "Asia/Tokyo")), "2026-11-26T23:00:00Z");
  EXPECT_EQ(local_minutes(t("2026-11-26T14:00:00Z"), "Asia/Tokyo"), 23 * 60);
}

TEST(QuietHours, AmbiguousEndCountsAtBothOccurrences) {
  // 2026-11-01 in New York: 01:00–02:00 happens twice (EDT, then EST). Quiet 01:00–01:30.
  const int s = 60, e = 90;
  // First pass, 01:10 EDT (05:10Z): ends at 01:30 EDT (05:30Z).
  EXPECT_EQ(text(quiet_end(t("2026-11-01T05:10:00Z"), s, e, "America/New_York")), "2026-11-01T05:30:00Z");
  // Second pass, 01:10 EST (06:10Z): ends at 01:30 EST (06:30Z), not the next night.
  EXPECT_EQ(text(quiet_end(t("2026-11-01T06:10:00Z"), s, e, "America/New_York")), "2026-11-01T06:30:00Z");
  // Between the passes (01:40 EDT, 05:40Z) it is not quiet.
  EXPECT_EQ(quiet_end(t("2026-11-01T05:40:00Z"), s, e, "America/New_York"), -1);
}

}  // namespace
}  // namespace laud::vm
