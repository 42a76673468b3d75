#include "services/capacity/availability_api.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "libs/auth/permissions.h"
#include "libs/rules/capacity.h"
#include "services/capacity/capacity_common.h"

namespace wmo::capacity {

using server::Violation;

namespace {

// Free places of each session of a group over `range`: its capacity less
// the most clients enrolled in it on any day.
v1::GroupAvailability FreePlaces(const v1::Group& group,
                                 const std::vector<v1::Enrolment>& enrolled,
                                 const rules::Period& range) {
  std::vector<rules::EnrolmentSpan> existing;
  for (const auto& e : enrolled) {
    auto period = rules::ParsePeriod(e.start_date(), e.end_date(), "");
    Violations ignored;
    if (period.ok()) {
      existing.push_back({*period, SessionIndices(group, e, ignored)});
    }
  }
  v1::GroupAvailability out;
  out.set_group(group.name());
  for (int k = 0; k < group.sessions_size(); ++k) {
    const v1::Session& s = group.sessions(k);
    const int capacity = SessionCapacity(group, s);
    const int peak = rules::PeakPerSession(existing, {range, {k}})[0] - 1;
    auto* places = out.add_sessions();
    places->mutable_slot()->set_weekday(s.weekday());
    places->mutable_slot()->set_day_part(s.day_part());
    places->set_capacity(capacity);
    places->set_free(std::max(0, capacity - peak));
  }
  return out;
}

bool Serves(const google::protobuf::RepeatedPtrField<std::string>& products,
            const std::string& catalog, const std::string& site_catalog,
            const std::string& product) {
  if (catalog != site_catalog) return false;
  return product.empty() ||
         std::find(products.begin(), products.end(), product) != products.end();
}

absl::StatusOr<rules::Period> Range(const std::string& from,
                                    const std::string& to, int max_days) {
  auto period = rules::ParsePeriod(from, to, "from_date");
  if (from.empty() || to.empty() || !period.ok() ||
      rules::DaysIn(*period) > max_days) {
    return Malformed({Violation(
        "CP-FORMAT", "", "from_date",
        absl::StrCat("give from_date and to_date as ISO dates, at most ",
                     max_days, " days apart"))});
  }
  return *period;
}

// The key of a pool or group in the batched reads.
Repo::SiteId SiteIdOf(const std::string& name) {
  const std::vector<std::string> parts = absl::StrSplit(name, '/');
  // providers/{agb}/locations/{location}/{collection}/{id}
  if (parts.size() != 6) return {};
  return {parts[1], parts[3], parts[5]};
}

}  // namespace

absl::Status AvailabilityApi::SearchAvailability(
    const auth::Principal& caller, const v1::SearchAvailabilityRequest& request,
    v1::SearchAvailabilityResponse* response) {
  if (caller.kind != auth::PrincipalKind::kMunicipality &&
      caller.kind != auth::PrincipalKind::kProvider) {
    return absl::PermissionDeniedError(
        absl::StrCat(auth::Describe(caller),
                     " may not search availability; municipalities and "
                     "providers may"));
  }
  if (request.catalog().empty()) {
    return Malformed(
        {Violation("CP-FORMAT", "", "catalog", "name the catalog")});
  }
  WMO_ASSIGN_OR_RETURN(
      range, Range(request.from_date(), request.to_date(), kMaxSearchDays));
  std::optional<int> origin;
  if (!request.postcode().empty()) {
    origin = rules::Pc4(request.postcode());
    if (!origin) {
      return Malformed({Violation("CP-FORMAT", "", "postcode",
                                  "give a Dutch postcode such as 6001 AB")});
    }
  }
  const int limit =
      request.page_size() <= 0 ? 20 : std::min(100, request.page_size());
  const Repo::LocationFilter at{"", "", request.municipality()};
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        locations,
        Repo::ListLocations(c, "", request.municipality(), 0, kAllChildren));
    WMO_ASSIGN_OR_RETURN(pools, Repo::PoolsAt(c, at));
    WMO_ASSIGN_OR_RETURN(groups, Repo::GroupsAt(c, at));
    WMO_ASSIGN_OR_RETURN(booked, Repo::BookedPerNightAt(c, at, range));
    WMO_ASSIGN_OR_RETURN(enrolled, Repo::EnrolmentsAt(c, at, range));
    // What each location has free, by location name.
    std::map<std::string, v1::Availability> free;
    for (const v1::BedPool& p : pools) {
      if (!Serves(p.products(), request.catalog(), p.catalog(),
                  request.product()) ||
          (request.wheelchair() && !p.wheelchair_accessible())) {
        continue;
      }
      const auto taken = booked.find(SiteIdOf(p.name()));
      v1::PoolAvailability nights;
      nights.set_pool(p.name());
      nights.set_wheelchair_accessible(p.wheelchair_accessible());
      bool any = false;
      for (rules::Date d = range.from; d <= range.to; ++d) {
        int in_use = 0;
        if (taken != booked.end()) {
          auto it = taken->second.find(d);
          if (it != taken->second.end()) in_use = it->second;
        }
        const int beds_free = p.beds() - in_use;
        any = any || beds_free > 0;
        auto* night = nights.add_nights();
        night->set_date(rules::FormatDate(d));
        night->set_free(beds_free);
      }
      if (any) {
        *free[p.name().substr(0, p.name().find("/bedPools/"))].add_pools() =
            std::move(nights);
      }
    }
    for (const v1::Group& g : groups) {
      if (!Serves(g.products(), request.catalog(), g.catalog(),
                  request.product())) {
        continue;
      }
      const auto in_group = enrolled.find(SiteIdOf(g.name()));
      v1::GroupAvailability places =
          FreePlaces(g,
                     in_group == enrolled.end() ? std::vector<v1::Enrolment>()
                                                : in_group->second,
                     range);
      if (std::any_of(places.sessions().begin(), places.sessions().end(),
                      [](const auto& s) { return s.free() > 0; })) {
        *free[g.name().substr(0, g.name().find("/groups/"))].add_groups() =
            std::move(places);
      }
    }
    std::vector<v1::Availability> found;
    for (v1::Location& l : locations) {
      auto it = free.find(l.name());
      if (it == free.end()) continue;
      v1::Availability a = std::move(it->second);
      if (origin) {
        a.set_distance(
            std::abs(rules::Pc4(l.postcode()).value_or(0) - *origin));
      }
      *a.mutable_location() = std::move(l);
      found.push_back(std::move(a));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& x, const auto& y) {
                       return x.distance() < y.distance();
                     });
    response->Clear();
    for (size_t i = 0; i < found.size() && i < static_cast<size_t>(limit);
         ++i) {
      *response->add_locations() = std::move(found[i]);
    }
    return absl::OkStatus();
  });
}

absl::Status AvailabilityApi::GetOccupancy(
    const auth::Principal& caller, const v1::GetOccupancyRequest& request,
    v1::Occupancy* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.location(), "read occupancy");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, LocationKey(request.location(), "location"));
  WMO_ASSIGN_OR_RETURN(
      range, Range(request.from_date(), request.to_date(), kMaxOccupancyDays));
  const Repo::LocationFilter at{key.provider, key.location, ""};
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    if (auto l = Repo::GetLocation(c, key); !l.ok()) return l.status();
    WMO_ASSIGN_OR_RETURN(pools, Repo::PoolsAt(c, at));
    WMO_ASSIGN_OR_RETURN(groups, Repo::GroupsAt(c, at));
    WMO_ASSIGN_OR_RETURN(booked, Repo::BookedPerNightAt(c, at, range));
    WMO_ASSIGN_OR_RETURN(enrolled, Repo::EnrolmentsAt(c, at, range));
    std::map<rules::Date, v1::OccupancyDay> days;
    for (rules::Date d = range.from; d <= range.to; ++d) {
      days[d].set_date(rules::FormatDate(d));
    }
    for (const v1::BedPool& p : pools) {
      const auto taken = booked.find(SiteIdOf(p.name()));
      for (auto& [d, day] : days) {
        day.set_beds(day.beds() + p.beds());
        if (taken == booked.end()) continue;
        auto it = taken->second.find(d);
        if (it != taken->second.end()) {
          day.set_beds_booked(day.beds_booked() + it->second);
        }
      }
    }
    for (const v1::Group& g : groups) {
      const auto in_group = enrolled.find(SiteIdOf(g.name()));
      for (auto& [d, day] : days) {
        const int weekday = rules::IsoWeekday(d);
        for (const v1::Session& s : g.sessions()) {
          if (s.weekday() != weekday) continue;
          day.set_places(day.places() + std::max(0, SessionCapacity(g, s)));
          if (in_group == enrolled.end()) continue;
          for (const v1::Enrolment& e : in_group->second) {
            if (e.start_date() > day.date() || e.end_date() < day.date()) {
              continue;
            }
            for (const auto& slot : e.sessions()) {
              if (slot.weekday() == s.weekday() &&
                  slot.day_part() == s.day_part()) {
                day.set_places_taken(day.places_taken() + 1);
              }
            }
          }
        }
      }
    }
    response->Clear();
    response->set_location(LocationName(key));
    for (auto& [d, day] : days) {
      day.set_beds_free(day.beds() - day.beds_booked());
      day.set_places_free(std::max(0, day.places() - day.places_taken()));
      *response->add_days() = std::move(day);
    }
    return absl::OkStatus();
  });
}

}  // namespace wmo::capacity
