#include "services/capacity/placement_rules.h"

#include "absl/strings/str_cat.h"
#include "libs/rules/capacity.h"
#include "libs/rules/declaration.h"
#include "libs/server/status.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::capacity {
namespace {

using server::Violation;
using wmo::assignment::v1::Assignment;

void Append(Violations from, Violations& to) {
  for (auto& v : from) to.push_back(std::move(v));
}

std::vector<int> Weekdays(const v1::Enrolment& e) {
  std::vector<int> days;
  for (const auto& slot : e.sessions()) days.push_back(slot.weekday());
  return days;
}

}  // namespace

Violations CheckBookedVolume(const Assignment& a,
                             const std::set<rules::Date>& booked,
                             const rules::Period& nights) {
  Violations v;
  if (!a.has_extent()) return v;
  auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
  if (!period.ok()) return v;
  const auto& e = a.extent();
  auto allowed = [&](const rules::Period& window) {
    return rules::DeclarableVolume(
        e.volume(), static_cast<rules::Frequency>(e.frequency()), e.unit(),
        a.product_category(), *period, window);
  };
  auto count = [&](const rules::Period& window) {
    int64_t n = 0;
    for (rules::Date d = window.from; d <= window.to; ++d) {
      if (nights.Contains(d) || booked.count(d)) ++n;
    }
    return n;
  };
  for (rules::Date day = nights.from; day <= nights.to;) {
    const rules::Period month = rules::CalendarMonthOf(day);
    auto in_assignment = rules::Intersect(month, *period);
    if (in_assignment && count(*in_assignment) > allowed(*in_assignment)) {
      v.push_back(Violation(
          "CP-VOLUME", "", "booking",
          absl::StrCat("the assignment allows ", allowed(*in_assignment),
                       " nights from ", rules::FormatDate(in_assignment->from),
                       " to ", rules::FormatDate(in_assignment->to),
                       "; with this booking there would be ",
                       count(*in_assignment), ": book fewer nights")));
    }
    day = month.to + 1;
  }
  int64_t total = static_cast<int64_t>(booked.size());
  for (rules::Date d = nights.from; d <= nights.to; ++d) {
    if (!booked.count(d)) ++total;
  }
  if (total > allowed(*period)) {
    v.push_back(Violation(
        "CP-VOLUME", "", "booking",
        absl::StrCat("the assignment allows ", allowed(*period),
                     " nights in all; with this booking there would be ", total,
                     ": book fewer nights")));
  }
  return v;
}

Plan PlanStay(const StayFacts& f) {
  Plan plan;
  const Entitlement& in = f.entitlement;
  if (in.assignment != nullptr && in.catalog == nullptr) {
    plan.refusals.push_back(
        Violation("CP-CATALOG", "", "assignment", in.problem));
  }
  Append(CheckEntitlement(in.assignment, f.client_bsn, f.provider,
                          f.pool.catalog(), f.pool.products(), f.nights),
         plan.refusals);
  if (in.assignment != nullptr && in.product != nullptr) {
    Append(CheckAgeOnEveryDay(*in.assignment, *in.product, f.nights,
                              "arrival_date", "departure_date"),
           plan.refusals);
  }
  if (f.client_busy) {
    plan.refusals.push_back(
        Violation("CP-CLIENT-NIGHT", "", "arrival_date",
                  "the client has another booking on one of these nights; "
                  "choose other nights"));
  }
  // The caps count what the entitlement allows: only once it holds.
  if (plan.refusals.empty() && in.assignment != nullptr &&
      in.product != nullptr) {
    const Assignment& a = *in.assignment;
    auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
    for (auto& v : rules::CheckStay(
             catalog::BillingOf(a.catalog(), *in.product), f.client_nights,
             f.nights, period.ok() ? *period : f.nights)) {
      plan.refusals.push_back(
          Violation(v.rule_id, v.return_code, v.field, v.message));
    }
    Append(CheckBookedVolume(a, f.assignment_nights, f.nights), plan.refusals);
  }
  plan.bed = rules::FreeBed(f.pool.beds(), f.nights, f.taken_beds);
  if (plan.bed == 0) {
    plan.full.push_back(Violation(
        "CP-FULL", "", "arrival_date",
        absl::StrCat("no bed of the pool is free on every night from ",
                     rules::FormatDate(f.nights.from), " to ",
                     rules::FormatDate(f.nights.to),
                     "; choose other nights or join the waitlist")));
  }
  return plan;
}

Violations CheckSessionClash(const v1::Enrolment& wanted,
                             const rules::Period& days,
                             const std::vector<v1::Enrolment>& client) {
  Violations v;
  for (const v1::Enrolment& other : client) {
    auto period = rules::ParsePeriod(other.start_date(), other.end_date(), "");
    if (!period.ok() || !period->Overlaps(days)) continue;
    bool clash = false;
    for (const auto& slot : other.sessions()) {
      for (const auto& asked : wanted.sessions()) {
        clash |= slot.weekday() == asked.weekday() &&
                 slot.day_part() == asked.day_part();
      }
    }
    if (clash) {
      v.push_back(Violation(
          "CP-CLIENT-SESSION", "", "sessions",
          absl::StrCat("the client is enrolled at that weekday and day "
                       "part for part of the period already (",
                       other.name(), ")")));
    }
  }
  return v;
}

void CheckSessionRoom(const v1::Group& group, const GroupBounds& bounds,
                      const std::vector<int>& sessions,
                      const std::vector<int>& peaks,
                      const std::vector<int>& lows, Plan& plan) {
  for (size_t i = 0; i < sessions.size(); ++i) {
    const v1::Session& s = group.sessions(sessions[i]);
    const int capacity = SessionCapacity(group, s);
    const std::string field = absl::StrCat("sessions[", i, "]");
    if (capacity >= 0 && peaks[i] > capacity) {
      const bool by_staff =
          group.max_clients_per_staff() > 0 &&
          s.staff() * group.max_clients_per_staff() == capacity;
      // The catalog's rule when its bound binds; the group's own, stricter
      // bound is the provider's choice (CP-SIZE).
      const bool catalog_bound = by_staff ? group.max_clients_per_staff() ==
                                                bounds.max_clients_per_staff
                                          : group.max_size() == bounds.max_size;
      plan.full.push_back(Violation(
          catalog_bound ? bounds.rule_id : "CP-SIZE", "", field,
          absl::StrCat(
              "the session would have ", peaks[i], " clients; it holds ",
              capacity,
              by_staff
                  ? absl::StrCat(" with ", s.staff(), " staff at ",
                                 group.max_clients_per_staff(), " clients each")
                  : " (the group's maximum size)",
              "; choose another session or join the waitlist")));
    }
    if (group.min_size() > 0 && lows[i] < group.min_size()) {
      plan.notices.push_back(Violation(
          bounds.rule_id, "", field,
          absl::StrCat("the session has ", lows[i],
                       " clients on some days, fewer than the minimum of ",
                       group.min_size(), "; reported, not refused")));
    }
  }
}

Plan PlanEnrolment(const EnrolmentFacts& f) {
  Plan plan;
  const Entitlement& in = f.entitlement;
  if (in.assignment != nullptr && in.catalog == nullptr) {
    plan.refusals.push_back(
        Violation("CP-CATALOG", "", "assignment", in.problem));
  }
  plan.sessions = SessionIndices(f.group, f.enrolment, plan.refusals);
  Append(CheckEntitlement(in.assignment, f.enrolment.client_bsn(), f.provider,
                          f.group.catalog(), f.group.products(), f.days),
         plan.refusals);
  if (in.assignment != nullptr && in.product != nullptr) {
    Append(CheckAgeOnEveryDay(*in.assignment, *in.product, f.days, "start_date",
                              "end_date"),
           plan.refusals);
  }
  Append(CheckSessionClash(f.enrolment, f.days, f.client_enrolments),
         plan.refusals);
  // The sessions the assignment pays for: those of the client's
  // enrolments on it, this one included, once the rest holds.
  if (plan.refusals.empty() && in.assignment != nullptr &&
      in.product != nullptr) {
    std::vector<SessionDays> on_assignment;
    for (const v1::Enrolment& other : f.client_enrolments) {
      auto period =
          rules::ParsePeriod(other.start_date(), other.end_date(), "");
      if (period.ok() && period->Overlaps(f.days) &&
          other.assignment() == f.enrolment.assignment()) {
        on_assignment.push_back({*period, Weekdays(other)});
      }
    }
    on_assignment.push_back({f.days, Weekdays(f.enrolment)});
    Append(CheckExtent(*in.assignment, *in.product, on_assignment, f.days),
           plan.refusals);
  }
  std::vector<rules::EnrolmentSpan> existing;
  for (const v1::Enrolment& other : f.group_enrolments) {
    auto period = rules::ParsePeriod(other.start_date(), other.end_date(), "");
    if (!period.ok()) continue;
    Violations ignored;
    existing.push_back({*period, SessionIndices(f.group, other, ignored)});
  }
  const rules::EnrolmentSpan added{f.days, plan.sessions};
  CheckSessionRoom(f.group,
                   in.catalog != nullptr ? CatalogBounds(*in.catalog, f.group)
                                         : GroupBounds(),
                   plan.sessions, rules::PeakPerSession(existing, added),
                   rules::LowPerSession(existing, added), plan);
  return plan;
}

}  // namespace wmo::capacity
