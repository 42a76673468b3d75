#include "services/capacity/placement.h"

#include <utility>
#include <vector>

#include "libs/rules/capacity.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/capacity/placement_rules.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::capacity {
namespace {

using server::ParseName;
using wmo::catalog::v1::Catalog;
using wmo::catalog::v1::Product;

Entitlement EntitlementOf(const Placement::Facts& facts) {
  Entitlement in;
  in.assignment = facts.assignment ? &*facts.assignment : nullptr;
  in.catalog = facts.catalog.get();
  in.problem = facts.problem;
  if (in.assignment != nullptr && in.catalog != nullptr) {
    in.product = catalog::FindProduct(*in.catalog, in.assignment->product());
  }
  return in;
}

// Every fact of the store a stay's plan reads, in transaction `c`.
absl::StatusOr<StayFacts> LoadStay(store::Connection& c,
                                   const Placement::Request& r,
                                   const Placement::Facts& facts,
                                   const rules::Period& nights) {
  StayFacts f;
  f.entitlement = EntitlementOf(facts);
  f.provider = r.parent.provider;
  f.client_bsn = r.booking.client_bsn();
  f.nights = nights;
  WMO_ASSIGN_OR_RETURN(pool, Repo::GetPool(c, r.parent));
  f.pool = std::move(pool);
  WMO_ASSIGN_OR_RETURN(busy, Repo::ClientBusy(c, f.client_bsn, nights));
  f.client_busy = busy;
  if (const auto* a = f.entitlement.assignment; a != nullptr) {
    // Every calendar year the nights touch, and six weeks either side for
    // weekly caps and stays.
    const rules::Period window{rules::CalendarYearOf(nights.from).from - 42,
                               rules::CalendarYearOf(nights.to).to + 42};
    WMO_ASSIGN_OR_RETURN(
        booked, Repo::ClientNights(c, f.client_bsn, a->catalog(), a->product(),
                                   window));
    f.client_nights = std::move(booked);
    WMO_ASSIGN_OR_RETURN(on_assignment,
                         Repo::AssignmentNights(c, r.booking.assignment()));
    f.assignment_nights = std::move(on_assignment);
  }
  WMO_ASSIGN_OR_RETURN(taken, Repo::TakenBeds(c, r.parent, nights));
  f.taken_beds = std::move(taken);
  return f;
}

// Every fact of the store an enrolment's plan reads, in transaction `c`.
absl::StatusOr<EnrolmentFacts> LoadEnrolment(store::Connection& c,
                                             const Placement::Request& r,
                                             const Placement::Facts& facts,
                                             const rules::Period& days) {
  EnrolmentFacts f;
  f.entitlement = EntitlementOf(facts);
  f.provider = r.parent.provider;
  f.enrolment = r.enrolment;
  f.days = days;
  WMO_ASSIGN_OR_RETURN(group, Repo::GetGroup(c, r.parent));
  f.group = std::move(group);
  WMO_ASSIGN_OR_RETURN(mine,
                       Repo::ClientEnrolments(c, f.enrolment.client_bsn()));
  f.client_enrolments = std::move(mine);
  WMO_ASSIGN_OR_RETURN(
      enrolled, Repo::ListEnrolments(c, r.parent, "", "", kAllEnrolments));
  f.group_enrolments = std::move(enrolled);
  return f;
}

}  // namespace

Placement::Placement(store::Database& db,
                     assignment::AssignmentSource& assignments,
                     catalog::CatalogSource& catalogs,
                     prometheus::Registry* registry, server::Clock now)
    : db_(db),
      assignments_(assignments),
      catalogs_(catalogs),
      now_(std::move(now)) {
  if (registry == nullptr) return;
  bookings_ = &prometheus::BuildCounter()
                   .Name("wmo_capacity_bookings_total")
                   .Help(
                       "CreateBooking calls and waitlist promotions by "
                       "outcome: booked, full, refused")
                   .Register(*registry);
}

void Placement::CountBooking(const std::string& outcome) {
  if (bookings_) bookings_->Add({{"outcome", outcome}}).Increment();
}

absl::StatusOr<Placement::Facts> Placement::FetchFacts(
    const std::string& assignment, const std::string& catalog) {
  WMO_ASSIGN_OR_RETURN(
      ids,
      ParseName(assignment, "municipalities/*/assignments/*", "assignment"));
  WMO_ASSIGN_OR_RETURN(found, assignments_.BatchGet(ids[0], {ids[1]}));
  Facts facts;
  if (found.empty()) return facts;
  facts.assignment = std::move(found[0]);
  auto start = rules::ParseDate(facts.assignment->start_date(), "start_date");
  if (!start.ok()) return start.status();
  // The rules of the catalog version the assignment was made under.
  auto version = catalogs_.CatalogOn(catalog, *start);
  if (absl::IsNotFound(version.status()) ||
      absl::IsInvalidArgument(version.status())) {
    facts.problem = std::string(version.status().message());
  } else if (!version.ok()) {
    return version.status();
  } else {
    facts.catalog = *std::move(version);
  }
  return facts;
}

absl::Status Placement::Make(store::Connection& c, const Request& r,
                             const Facts& facts, std::string* made,
                             v1::Booking* booking_out,
                             v1::Enrolment* enrolment_out, bool* full) {
  if (full) *full = false;
  const bool pool = r.kind == Kind::kPool;
  WMO_ASSIGN_OR_RETURN(days, RequestedDays(pool ? &r.booking : nullptr,
                                           pool ? nullptr : &r.enrolment));
  Plan plan;
  if (pool) {
    WMO_ASSIGN_OR_RETURN(f, LoadStay(c, r, facts, days));
    plan = PlanStay(f);
  } else {
    WMO_ASSIGN_OR_RETURN(f, LoadEnrolment(c, r, facts, days));
    plan = PlanEnrolment(f);
  }
  if (!plan.refusals.empty()) {
    return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                   plan.refusals);
  }
  if (!plan.full.empty()) {
    if (full) *full = true;
    return Refused(absl::StatusCode::kFailedPrecondition, "no free capacity",
                   plan.full);
  }

  const std::string id = NewId();
  const auto& a = *facts.assignment;  // a plan without refusals has one
  if (pool) {
    v1::Booking booking = r.booking;
    booking.set_name(absl::StrCat(PoolName(r.parent), "/bookings/", id));
    booking.set_bed(plan.bed);
    booking.set_state(v1::Booking::BOOKED);
    *booking.mutable_create_time() = server::Timestamp(now_());
    booking.clear_cancel_time();
    booking.set_waitlist_entry(r.waitlist_entry);
    if (absl::Status s =
            Repo::InsertBooking(c, r.parent, id, r.booking.assignment(),
                                a.catalog(), a.product(), booking);
        !s.ok()) {
      return s;
    }
    absl::Status s = Repo::ClaimNights(
        c, r.parent, id, plan.bed, r.booking.client_bsn(),
        r.booking.assignment(), a.catalog(), a.product(), days);
    if (absl::IsAlreadyExists(s)) {
      // Another booking took a night after this one looked: look again.
      return store::MarkRetryable(absl::AbortedError(
          "a bed-night was taken concurrently; the booking is retried"));
    }
    if (!s.ok()) return s;
    if (absl::Status w =
            AuditChange(c, *r.caller, r.operation, v1::Booking(), booking);
        !w.ok()) {
      return w;
    }
    *made = booking.name();
    if (booking_out) *booking_out = std::move(booking);
  } else {
    v1::Enrolment enrolment = r.enrolment;
    enrolment.set_name(absl::StrCat(GroupName(r.parent), "/enrolments/", id));
    enrolment.set_state(v1::Enrolment::ACTIVE);
    *enrolment.mutable_create_time() = server::Timestamp(now_());
    *enrolment.mutable_notices() = {plan.notices.begin(), plan.notices.end()};
    if (absl::Status s = Repo::InsertEnrolment(c, r.parent, id, enrolment);
        !s.ok()) {
      return s;
    }
    if (absl::Status w =
            AuditChange(c, *r.caller, r.operation, v1::Enrolment(), enrolment);
        !w.ok()) {
      return w;
    }
    *made = enrolment.name();
    if (enrolment_out) *enrolment_out = std::move(enrolment);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, Placement::Facts>> Placement::WaitingFacts(
    Kind kind, const SiteKey& parent) {
  std::vector<v1::WaitlistEntry> entries;
  if (absl::Status s =
          db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
            WMO_ASSIGN_OR_RETURN(
                all, Repo::ListWaitlist(c, kind, parent, 0, kAllEnrolments));
            for (auto& entry : all) {
              if (entry.state() == v1::WaitlistEntry::WAITING) {
                entries.push_back(std::move(entry));
              }
            }
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  std::map<std::string, Facts> facts;
  if (entries.empty()) return facts;
  WMO_ASSIGN_OR_RETURN(catalog, SiteCatalog(db_, kind, parent));
  for (const auto& entry : entries) {
    const std::string& assignment = entry.has_booking()
                                        ? entry.booking().assignment()
                                        : entry.enrolment().assignment();
    WMO_ASSIGN_OR_RETURN(f, FetchFacts(assignment, catalog));
    facts.emplace(entry.name(), std::move(f));
  }
  return facts;
}

absl::Status Placement::Promote(store::Connection& c,
                                const auth::Principal& caller, Kind kind,
                                const SiteKey& parent,
                                const std::map<std::string, Facts>& facts) {
  WMO_ASSIGN_OR_RETURN(entries,
                       Repo::ListWaitlist(c, kind, parent, 0, kAllEnrolments));
  for (v1::WaitlistEntry& entry : entries) {
    if (entry.state() != v1::WaitlistEntry::WAITING) break;  // waiting first
    auto f = facts.find(entry.name());
    if (f == facts.end()) continue;  // joined after the facts were read
    Request r;
    r.kind = kind;
    r.parent = parent;
    r.booking = entry.booking();
    r.enrolment = entry.enrolment();
    r.waitlist_entry = entry.name();
    r.caller = &caller;
    r.operation = "PromoteFromWaitlist";
    std::string made;
    absl::Status s = Make(c, r, f->second, &made, nullptr, nullptr, nullptr);
    if (store::IsRetryable(s)) return s;
    if (absl::IsFailedPrecondition(s)) continue;  // does not fit (yet)
    if (!s.ok()) return s;
    if (kind == Kind::kPool) CountBooking("booked");
    const v1::WaitlistEntry before = entry;
    entry.set_state(v1::WaitlistEntry::FULFILLED);
    entry.set_fulfilled_by(made);
    *entry.mutable_update_time() = server::Timestamp(now_());
    if (absl::Status u = Repo::UpdateWaitlistEntry(c, kind, parent,
                                                   IdOf(entry.name()), entry);
        !u.ok()) {
      return u;
    }
    if (absl::Status u =
            AuditChange(c, caller, "PromoteFromWaitlist", before, entry);
        !u.ok()) {
      return u;
    }
  }
  return absl::OkStatus();
}

}  // namespace wmo::capacity
