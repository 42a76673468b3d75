#include "libs/rules/volume.h"

#include <algorithm>
#include <limits>

#include "absl/numeric/int128.h"
#include "absl/time/civil_time.h"

namespace wmo::rules {
namespace {

// Exact intermediate products (volume x days x month lengths) exceed int64
// for large volumes over open-ended periods; the result saturates instead of
// wrapping, because a wrapped cap test would accept anything.
int64_t Saturate(absl::int128 value) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (value > absl::int128(kMax)) return kMax;
  return static_cast<int64_t>(value);
}

int64_t DaysInMonth(absl::CivilMonth month) {
  return absl::CivilDay(month + 1) - absl::CivilDay(month);
}

// Per-month volume over `days`, which lies within the window and the
// assignment: whole months whole, partial months by their share of days.
absl::int128 MonthlyVolume(int64_t volume, const Period& days) {
  const absl::CivilMonth first(days.from);
  const absl::CivilMonth last(days.to);
  const absl::int128 v = volume;
  if (first == last) {
    return v * DaysIn(days) / DaysInMonth(first);
  }
  // The first and last months are counted by their shared days (which may
  // be all of them); every month in between is whole. One division at the
  // end keeps the rounding to a single step.
  const absl::int128 n1 = DaysInMonth(first);
  const absl::int128 n2 = DaysInMonth(last);
  const absl::int128 d1 = (absl::CivilDay(first + 1) - days.from);
  const absl::int128 d2 = days.to.day();
  const absl::int128 whole_months = (last - first) - 1;
  return (v * whole_months * n1 * n2 + v * d1 * n2 + v * d2 * n1) / (n1 * n2);
}

}  // namespace

bool IsKnownFrequency(int code) {
  switch (static_cast<Frequency>(code)) {
    case Frequency::kPerDay:
    case Frequency::kPerWeek:
    case Frequency::kPerMonth:
    case Frequency::kTotal:
      return true;
  }
  return false;
}

int64_t DaysIn(const Period& period) { return period.to - period.from + 1; }

std::optional<Period> Intersect(const Period& a, const Period& b) {
  if (!a.Overlaps(b)) return std::nullopt;
  return Period{std::max(a.from, b.from), std::min(a.to, b.to)};
}

Period IsoWeekOf(Date day) {
  const Date monday = day - (IsoWeekday(day) - 1);
  return Period{monday, monday + 6};
}

Period CalendarMonthOf(Date day) {
  const absl::CivilMonth month(day);
  return Period{Date(month), Date(month + 1) - 1};
}

Period CalendarYearOf(Date day) {
  return Period{Date(day.year(), 1, 1), Date(day.year(), 12, 31)};
}

int64_t VolumeInWindow(int64_t volume, Frequency frequency,
                       const Period& assignment, const Period& window) {
  const std::optional<Period> shared = Intersect(assignment, window);
  if (!shared) return 0;
  const absl::int128 v = volume;
  const absl::int128 days = DaysIn(*shared);
  switch (frequency) {
    case Frequency::kPerDay:
      return Saturate(v * days);
    case Frequency::kPerWeek:
      return Saturate(v * days / 7);
    case Frequency::kPerMonth:
      return Saturate(MonthlyVolume(volume, *shared));
    case Frequency::kTotal:
      return Saturate(v * days / DaysIn(assignment));
  }
  return 0;
}

std::optional<int64_t> VolumeInPeriod(int64_t volume, Frequency frequency,
                                      const Period& assignment) {
  if (assignment.to == Period::OpenEnd() && frequency != Frequency::kTotal) {
    return std::nullopt;
  }
  return VolumeInWindow(volume, frequency, assignment, assignment);
}

}  // namespace wmo::rules
