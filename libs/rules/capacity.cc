#include "libs/rules/capacity.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rules/stays.h"
#include "libs/rules/volume.h"

namespace wmo::rules {
namespace {

std::string Show(const Period& p) {
  return absl::StrCat(FormatDate(p.from), " to ", FormatDate(p.to));
}

// Clients in a session on each day of `period`: +1 from each enrolment's
// first day, -1 after its last, clipped to `period`.
std::map<Date, int> Changes(const std::vector<EnrolmentSpan>& existing,
                            int session, const Period& period) {
  std::map<Date, int> changes;
  changes[period.from] += 0;
  for (const EnrolmentSpan& e : existing) {
    if (std::find(e.sessions.begin(), e.sessions.end(), session) ==
        e.sessions.end()) {
      continue;
    }
    auto shared = Intersect(e.period, period);
    if (!shared) continue;
    changes[shared->from] += 1;
    if (shared->to < period.to) changes[shared->to + 1] -= 1;
  }
  return changes;
}

}  // namespace

std::optional<int> Pc4(absl::string_view postcode) {
  postcode = absl::StripAsciiWhitespace(postcode);
  if (postcode.size() < 4) return std::nullopt;
  int pc4 = 0;
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(postcode[i])) return std::nullopt;
    pc4 = pc4 * 10 + (postcode[i] - '0');
  }
  if (pc4 < 1000) return std::nullopt;  // Dutch postcodes start at 1000
  absl::string_view letters =
      absl::StripLeadingAsciiWhitespace(postcode.substr(4));
  if (letters.empty()) return pc4;
  if (letters.size() != 2 || !absl::ascii_isalpha(letters[0]) ||
      !absl::ascii_isalpha(letters[1])) {
    return std::nullopt;
  }
  return pc4;
}

std::optional<Period> NightsOf(Date arrival, Date departure) {
  if (departure <= arrival) return std::nullopt;
  return Period{arrival, departure - 1};
}

int FreeBed(int beds, const Period& nights,
            const std::map<int, std::set<Date>>& taken) {
  for (int bed = 1; bed <= beds; ++bed) {
    auto it = taken.find(bed);
    if (it == taken.end()) return bed;
    auto first = it->second.lower_bound(nights.from);
    if (first == it->second.end() || *first > nights.to) return bed;
  }
  return 0;
}

std::vector<LineViolation> CheckStay(const ProductBilling& billing,
                                     const std::set<Date>& booked,
                                     const Period& nights,
                                     const Period& assignment) {
  auto occupied = [&](Date d) { return nights.Contains(d) || booked.count(d); };
  // Nights in `window`: booked before (not rebooked now), and this booking's.
  auto before_in = [&](const Period& window) {
    int64_t n = 0;
    for (auto it = booked.lower_bound(window.from);
         it != booked.end() && *it <= window.to; ++it) {
      if (!nights.Contains(*it)) ++n;
    }
    return n;
  };
  auto new_in = [&](const Period& window) -> int64_t {
    auto shared = Intersect(window, nights);
    return shared ? DaysIn(*shared) : 0;
  };
  // Caps on how many nights: what is left decides the advice.
  std::vector<LineViolation> counted;
  auto refuse_count = [&](const QuantityCap& cap, const std::string& window,
                          const Period& period) {
    const int64_t before = before_in(period);
    const int64_t count = before + new_in(period);
    if (count <= cap.max_quantity) return;
    counted.push_back(
        {cap.rule_id, "", "booking",
         absl::StrCat(
             "with this booking the client would have ", count,
             " nights of product ", billing.product, " in ", window,
             ", more than the maximum of ", cap.max_quantity, "; ",
             before >= cap.max_quantity
                 ? absl::StrCat("nothing is left: the ", before,
                                " nights booked before use it all")
                 : absl::StrCat("book at most ", cap.max_quantity - before,
                                " nights there (", before,
                                " booked before)"))});
  };
  // Weeks over the weekly cap, and whether their nights are one run.
  std::vector<std::pair<LineViolation, bool>> weekly;
  for (const QuantityCap& cap : billing.caps) {
    if (cap.advisory || cap.max_quantity <= 0 || cap.rule_id.empty()) continue;
    switch (cap.window) {
      case CapWindow::kDay:
        break;  // one night a day at most, by the client-night key
      case CapWindow::kCalendarYear:
      case CapWindow::kMonth:
        for (Date day = nights.from; day <= nights.to;) {
          const Period window = cap.window == CapWindow::kMonth
                                    ? CalendarMonthOf(day)
                                    : CalendarYearOf(day);
          refuse_count(cap,
                       cap.window == CapWindow::kMonth
                           ? absl::StrCat("the month ", Show(window))
                           : absl::StrCat("calendar year ", window.from.year()),
                       window);
          day = window.to + 1;
        }
        break;
      case CapWindow::kAssignment:
        refuse_count(cap,
                     absl::StrCat("the assignment period ", Show(assignment)),
                     assignment);
        break;
      case CapWindow::kWeek:
        for (Date day = nights.from; day <= nights.to;) {
          const Period week = IsoWeekOf(day);
          const int64_t count = before_in(week) + new_in(week);
          if (count > cap.max_quantity &&
              !(cap.waived_for_contiguous_stay &&
                WithinOneStay(occupied, week, billing.contiguous_max_days))) {
            weekly.push_back(
                {{cap.rule_id, "", "booking",
                  absl::StrCat(
                      "with this booking the client would have ", count,
                      " nights of product ", billing.product,
                      " in the ISO week ", Show(week),
                      cap.waived_for_contiguous_stay
                          ? absl::StrCat(" outside one contiguous stay of at "
                                         "most ",
                                         billing.contiguous_max_days, " days")
                          : "",
                      ", more than the maximum of ", cap.max_quantity,
                      "; book fewer nights that week, or make them one stay "
                      "with the nights around them")},
                 cap.waived_for_contiguous_stay &&
                     WithinOneStay(occupied, week,
                                   std::numeric_limits<int>::max())});
          }
          day = week.to + 1;
        }
        break;
    }
  }
  std::vector<LineViolation> violations = std::move(counted);
  bool too_long = false;
  if (billing.contiguous_max_days > 0 && !billing.contiguous_rule_id.empty()) {
    const Period run =
        RunAround(occupied, nights.from, std::numeric_limits<int64_t>::max());
    too_long = DaysIn(run) > billing.contiguous_max_days;
    if (too_long) {
      // A night free in between splits the stay, but the weeks around the
      // gap then count against a weekly cap the stay waived, and the
      // nights still count against the caps above: suggest it only when
      // neither refuses it.
      const bool split_refused =
          !violations.empty() ||
          std::any_of(billing.caps.begin(), billing.caps.end(),
                      [](const QuantityCap& cap) {
                        return !cap.advisory &&
                               cap.window == CapWindow::kWeek &&
                               cap.waived_for_contiguous_stay;
                      });
      violations.push_back(
          {billing.contiguous_rule_id, "", "booking",
           absl::StrCat(
               "with this booking the stay from ", Show(run), " lasts ",
               DaysIn(run),
               " consecutive nights, more "
               "than the ",
               billing.contiguous_max_days, " one stay of product ",
               billing.product, " may last; ",
               split_refused
                   ? absl::StrCat("shorten it to at most ",
                                  billing.contiguous_max_days, " nights")
                   : "shorten it or leave a night free in "
                     "between")});
    }
  }
  // A week whose nights are one run breaks the weekly cap only because the
  // stay is too long: the stay's length is the fault, reported above.
  for (auto& [violation, one_run] : weekly) {
    if (!(too_long && one_run)) violations.push_back(std::move(violation));
  }
  return violations;
}

std::vector<int> PeakPerSession(const std::vector<EnrolmentSpan>& existing,
                                const EnrolmentSpan& added) {
  std::vector<int> peaks;
  for (int session : added.sessions) {
    int clients = 0, peak = 0;
    for (const auto& [day, change] : Changes(existing, session, added.period)) {
      clients += change;
      peak = std::max(peak, clients);
    }
    peaks.push_back(peak + 1);
  }
  return peaks;
}

std::vector<int> LowPerSession(const std::vector<EnrolmentSpan>& existing,
                               const EnrolmentSpan& added) {
  std::vector<int> lows;
  for (int session : added.sessions) {
    int clients = 0, low = std::numeric_limits<int>::max();
    for (const auto& [day, change] : Changes(existing, session, added.period)) {
      clients += change;
      low = std::min(low, clients);
    }
    lows.push_back(low + 1);
  }
  return lows;
}

}  // namespace wmo::rules
