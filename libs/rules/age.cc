#include "libs/rules/age.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wmo::rules {

int AgeOn(Date birth, Date day) {
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() ||
      (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

Date DayAged(Date birth, int years) {
  // CivilDay normalises 29 February of another year to 1 March.
  return Date(birth.year() + years, birth.month(), birth.day());
}

bool AgeLimitApplies(const AgeLimit& limit,
                     const std::vector<std::string>& activities) {
  if (limit.activity.empty()) return true;
  return std::any_of(activities.begin(), activities.end(),
                     [&](const std::string& a) {
                       return absl::EqualsIgnoreCase(a, limit.activity);
                     });
}

Period DaysWithinAge(const AgeLimit& limit, Date birth) {
  Period days{Date::min(), Period::OpenEnd()};
  if (limit.min_years > 0) days.from = DayAged(birth, limit.min_years);
  if (limit.below_years > 0) days.to = DayAged(birth, limit.below_years) - 1;
  return days;
}

std::optional<std::string> AgeProblem(const AgeLimit& limit, Date birth,
                                      const Period& care) {
  const Period within = DaysWithinAge(limit, birth);
  if (care.from < within.from) {
    return absl::StrCat("the client turns ", limit.min_years, " on ",
                        FormatDate(within.from), ", and the care starts on ",
                        FormatDate(care.from), "; start on or after ",
                        FormatDate(within.from));
  }
  if (care.to > within.to) {
    if (care.from > within.to) {
      return absl::StrCat("the client turned ", limit.below_years, " on ",
                          FormatDate(within.to + 1),
                          ", before the care starts on ",
                          FormatDate(care.from));
    }
    return absl::StrCat("the client turns ", limit.below_years, " on ",
                        FormatDate(within.to + 1), ", and the care runs to ",
                        care.to == Period::OpenEnd() ? std::string("no end")
                                                     : FormatDate(care.to),
                        "; end it on or before ", FormatDate(within.to));
  }
  return std::nullopt;
}

}  // namespace wmo::rules
