#ifndef WMO_LIBS_RULES_AGE_H_
#define WMO_LIBS_RULES_AGE_H_

// Age bounds of products (S0-03, S4-06): they hold on every day of care,
// whichever service the care passes through (assignment, booking or
// enrolment, declaration line).

#include <optional>
#include <string>
#include <vector>

#include "libs/rules/dates.h"

namespace wmo::rules {

// Whole years of age on `day`; a birthday on 29 February counts from
// 1 March in other years.
int AgeOn(Date birth, Date day);

// The day the client born on `birth` turns `years` (1 March for a 29
// February birthday in other years).
Date DayAged(Date birth, int years);

// An age bound of a product: at least `min_years` old, younger than
// `below_years` (0: no bound), for the whole product or, with `activity`,
// only where the assignment records that activity.
struct AgeLimit {
  int min_years = 0;
  int below_years = 0;
  std::string activity;
  std::string rule_id;
};

// Whether `limit` concerns an assignment with these activities (compared
// ignoring case).
bool AgeLimitApplies(const AgeLimit& limit,
                     const std::vector<std::string>& activities);

// The days a client born on `birth` may receive care under `limit`.
Period DaysWithinAge(const AgeLimit& limit, Date birth);

// What is wrong with care on the days of `care` under `limit`, as a message
// that names the day the bound starts or ends; nothing when every day is
// within it.
std::optional<std::string> AgeProblem(const AgeLimit& limit, Date birth,
                                      const Period& care);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_AGE_H_
