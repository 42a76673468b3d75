#ifndef WMO_LIBS_RULES_VOLUME_H_
#define WMO_LIBS_RULES_VOLUME_H_

#include <cstdint>
#include <optional>

#include "libs/rules/dates.h"

namespace wmo::rules {

// Frequency of an extent (omvang), by its iWmo WMO757 code.
enum class Frequency : int {
  kPerDay = 1,
  kPerWeek = 2,
  kPerMonth = 4,
  // Totaal binnen geldigheidsduur: the volume for the whole assignment.
  kTotal = 6,
};

// True for the four WMO757 codes above.
bool IsKnownFrequency(int code);

// Number of days of an inclusive period (1 for a single day).
int64_t DaysIn(const Period& period);

// The days two periods share, or nothing when they do not overlap.
std::optional<Period> Intersect(const Period& a, const Period& b);

// Windows over which quantity limits count.
// The ISO week (Monday to Sunday) holding `day`.
Period IsoWeekOf(Date day);
// The calendar month holding `day`.
Period CalendarMonthOf(Date day);
// The calendar year holding `day`.
Period CalendarYearOf(Date day);

// How much of an extent's volume falls within `window`, for an assignment
// running over `assignment`. Used to test caps, so it never attributes more
// than the extent forces into the window: whatever is fractional is rounded
// down once, at the end, and a refusal based on it means the extent really
// exceeds the cap.
//
// Only the days the window shares with the assignment count (none: 0):
// - per day: volume x shared days;
// - per week: volume per 7 days, proportional to the shared days (7-day
//   weeks, not ISO weeks: 14 shared days give twice the volume wherever
//   they start);
// - per month: volume per calendar month; a month shared completely counts
//   the whole volume, a month shared in part counts the shared fraction of
//   its days (10 of 31 days give 10/31 of the volume);
// - total: the volume spread evenly over the days of the assignment, so a
//   window holding the whole assignment gets all of it. An open-ended
//   assignment spreads its total up to Period::OpenEnd(), which leaves next
//   to nothing for any real window: its extent does not decide where the
//   volume falls.
// Any other frequency gives 0. Results beyond int64 saturate at its maximum.
int64_t VolumeInWindow(int64_t volume, Frequency frequency,
                       const Period& assignment, const Period& window);

// The volume over the whole assignment period, counted as VolumeInWindow
// with the assignment as the window. Nothing when that is unbounded: an
// open-ended assignment whose frequency is not total.
std::optional<int64_t> VolumeInPeriod(int64_t volume, Frequency frequency,
                                      const Period& assignment);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_VOLUME_H_
