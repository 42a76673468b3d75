#ifndef WMO_LIBS_RULES_DATES_H_
#define WMO_LIBS_RULES_DATES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace wmo::rules {

// A calendar date without time zone; the domain's only notion of a day.
using Date = absl::CivilDay;

// Parses a strict ISO 8601 calendar date "YYYY-MM-DD" (no normalisation:
// "2024-02-30" is an error). `field` names the input in the error message.
absl::StatusOr<Date> ParseDate(absl::string_view text, absl::string_view field);

// Formats as "YYYY-MM-DD".
std::string FormatDate(Date date);

// The day of `now` in the Europe/Amsterdam calendar, which is the one Dutch
// municipalities work by. The moment comes from the caller's clock: this
// library reads none.
Date TodayAt(absl::Time now);

// The time zone of the Netherlands (Europe/Amsterdam; UTC where the
// machine has no zone data): the zone of "today" and of times in iWmo
// messages.
absl::TimeZone DutchTime();

// The ISO weekday of a date: Monday 1 … Sunday 7.
int IsoWeekday(Date date);

// Adds whole calendar months, clamping the day to the end of a shorter
// month (2024-01-31 + 1 month = 2024-02-29).
Date AddMonths(Date date, int months);

// Inclusive period [from, to]; `to` of Date::max() means open-ended.
struct Period {
  Date from;
  Date to = OpenEnd();

  static constexpr Date OpenEnd() { return Date(9999, 12, 31); }
  bool Contains(Date d) const { return from <= d && d <= to; }
  bool Overlaps(const Period& o) const { return from <= o.to && o.from <= to; }
};

// Parses a period from ISO strings; an empty `to` is open-ended. Fails when
// either date is malformed or `to` lies before `from`.
absl::StatusOr<Period> ParsePeriod(absl::string_view from, absl::string_view to,
                                   absl::string_view field);

// The first day of `need` that none of `cover` holds; nothing when every
// day of it is covered.
std::optional<Date> FirstUncovered(const Period& need,
                                   std::vector<Period> cover);

// "HH:MM" as minutes since midnight, "24:00" (the end of the day) as 1440;
// -1 when malformed.
int ParseClock(absl::string_view text);

// Parses a calendar month "YYYY-MM" into its first to last day.
absl::StatusOr<Period> ParseMonth(absl::string_view text,
                                  absl::string_view field);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_DATES_H_
