#include "libs/rules/stays.h"

#include <optional>

#include "libs/rules/volume.h"

namespace wmo::rules {

Period RunAround(Occupied occupied, Date day, int64_t limit) {
  Period run{day, day};
  for (int64_t n = 0; n < limit && occupied(run.from - 1); ++n) --run.from;
  for (int64_t n = 0; n < limit && occupied(run.to + 1); ++n) ++run.to;
  return run;
}

bool WithinOneStay(Occupied occupied, const Period& week, int max_days) {
  if (max_days <= 0) return false;
  std::optional<Date> first;
  Date last = week.from;
  for (Date day = week.from; day <= week.to; ++day) {
    if (!occupied(day)) continue;
    if (!first) first = day;
    last = day;
  }
  if (!first) return true;
  for (Date day = *first; day <= last; ++day) {
    if (!occupied(day)) return false;  // two stays in one week
  }
  const Period run = RunAround(occupied, *first, max_days);
  return run.to >= last && DaysIn(run) <= max_days;
}

}  // namespace wmo::rules
