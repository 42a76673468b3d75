#ifndef WMO_LIBS_RULES_STAYS_H_
#define WMO_LIBS_RULES_STAYS_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "libs/rules/dates.h"

namespace wmo::rules {

// Runs of consecutive days: stays (kortdurend verblijf) in bookings and in
// declared day detail are both counted this way.

// Whether the client has a stay (a night, a delivery) on a day.
using Occupied = absl::FunctionRef<bool(Date)>;

// The run of consecutive occupied days holding `day`, which must be
// occupied, looking at most `limit` days beyond it each way.
Period RunAround(Occupied occupied, Date day, int64_t limit);

// True when the occupied days of `week` form one run that, with its days
// outside the week, lasts at most `max_days` days: a weekly cap waived
// within one contiguous stay (S3-09). True for a week without any.
bool WithinOneStay(Occupied occupied, const Period& week, int max_days);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_STAYS_H_
