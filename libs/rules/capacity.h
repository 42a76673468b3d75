#ifndef WMO_LIBS_RULES_CAPACITY_H_
#define WMO_LIBS_RULES_CAPACITY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/rules/dates.h"
#include "libs/rules/declaration.h"

namespace wmo::rules {

// The capacity checks as pure functions: which bed is free, whether a stay
// keeps the catalog's caps, how full a group session gets, how far a
// location is. The capacity service loads the facts in one transaction and
// writes what these allow.

// The four digits (PC4) of a Dutch postcode "1234 AB", "1234AB" or "1234";
// nothing when it is not one.
std::optional<int> Pc4(absl::string_view postcode);

// The nights of a stay from arrival to the morning of departure: the
// period [arrival, departure - 1]. Nothing when departure is not after
// arrival.
std::optional<Period> NightsOf(Date arrival, Date departure);

// The lowest bed of 1 … beds that is free on every night, given the nights
// each bed is taken; 0 when none is. A stay keeps one bed.
int FreeBed(int beds, const Period& nights,
            const std::map<int, std::set<Date>>& taken);

// The caps a stay must keep, over the client's other booked nights of the
// product (`booked`, any pool or provider) plus `nights`: per calendar year
// and per assignment (counted in nights), per ISO week unless the week's
// nights are one contiguous stay within the limit (S3-09), and the longest
// contiguous stay. Nights on days outside `assignment` do not count for
// assignment caps. Advisory caps are left out. Every violation carries the
// cap's rule id and names the window; field "booking".
std::vector<LineViolation> CheckStay(const ProductBilling& billing,
                                     const std::set<Date>& booked,
                                     const Period& nights,
                                     const Period& assignment);

// A client's enrolment in a group: its period and the indices of its
// weekly sessions in the group.
struct EnrolmentSpan {
  Period period;
  std::vector<int> sessions;
};

// For each session of `added`, the most clients enrolled at once in it on
// any day of its period, counting `added` and those of `existing` that
// overlap; indexed like `added.sessions`.
std::vector<int> PeakPerSession(const std::vector<EnrolmentSpan>& existing,
                                const EnrolmentSpan& added);

// For each session of `added`, the fewest clients in it on any day of its
// period, with `added` (for the minimum group size: a session that stays
// below it is reported).
std::vector<int> LowPerSession(const std::vector<EnrolmentSpan>& existing,
                               const EnrolmentSpan& added);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_CAPACITY_H_
