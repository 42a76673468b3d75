#include "services/capacity/capacity_common.h"

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/auth/permissions.h"
#include "libs/rules/capacity.h"
#include "libs/rules/identifiers.h"

namespace wmo::capacity {

using server::ParseName;
using server::Violation;

std::string KeyOf(const v1::Booking& b) {
  return absl::StrCat(b.arrival_date(), "/", IdOf(b.name()));
}

std::string KeyOf(const v1::Enrolment& e) {
  return absl::StrCat(e.start_date(), "/", IdOf(e.name()));
}

std::string NewId() {
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(absl::BitGen()));
}

absl::Status Refused(absl::StatusCode code, absl::string_view summary,
                     const Violations& violations) {
  return server::ViolationStatus(code, summary, violations);
}

absl::Status Malformed(const Violations& violations) {
  return Refused(absl::StatusCode::kInvalidArgument, "malformed", violations);
}

absl::Status CheckId(const std::string& id, const std::string& field) {
  const bool ok =
      !id.empty() && id.size() <= 40 &&
      std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
      });
  if (ok) return absl::OkStatus();
  return Malformed({Violation("CP-FORMAT", "", field,
                              "an id has 1 to 40 of a-z, 0-9 and -")});
}

// The id of a child resource: the last segment of its name.
std::string IdOf(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

absl::StatusOr<SiteKey> LocationKey(const std::string& name,
                                    const std::string& field) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(name, "providers/*/locations/*", field));
  return SiteKey{ids[0], ids[1], ""};
}

absl::StatusOr<SiteKey> ChildKey(const std::string& name,
                                 const std::string& collection,
                                 const std::string& field) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(name,
                     absl::StrCat("providers/*/locations/*/", collection, "/*"),
                     field));
  return SiteKey{ids[0], ids[1], ids[2]};
}

std::string LocationName(const SiteKey& k) {
  return absl::StrCat("providers/", k.provider, "/locations/", k.location);
}
std::string GroupName(const SiteKey& k) {
  return absl::StrCat(LocationName(k), "/groups/", k.id);
}
std::string PoolName(const SiteKey& k) {
  return absl::StrCat(LocationName(k), "/bedPools/", k.id);
}
std::string ParentName(Kind kind, const SiteKey& k) {
  return kind == Kind::kPool ? PoolName(k) : GroupName(k);
}

// A pool or group named by `name`, with its kind.
absl::StatusOr<std::pair<Kind, SiteKey>> WaitlistParent(
    const std::string& name, const std::string& field) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(name, "providers/*/locations/*/*/*", field));
  if (ids[2] != "bedPools" && ids[2] != "groups") {
    return Malformed({Violation("CP-FORMAT", "", field,
                                "name a bed pool or a group, providers/{agb}/"
                                "locations/{location}/bedPools/{pool} or "
                                "…/groups/{group}")});
  }
  return std::make_pair(ids[2] == "bedPools" ? Kind::kPool : Kind::kGroup,
                        SiteKey{ids[0], ids[1], ids[3]});
}

absl::Status IdInUse(absl::string_view what, const std::string& name) {
  return absl::AlreadyExistsError(
      absl::StrCat(what, " ", name, " exists; choose another id"));
}

// For a municipality: the prefix of its assignments' names, which its
// clients' bookings and enrolments name; "" for anyone else.
std::string ClientsOf(const auth::Principal& caller) {
  return caller.kind == auth::PrincipalKind::kMunicipality
             ? absl::StrCat("municipalities/", caller.tenant, "/")
             : "";
}

// Acting for the provider that owns `resource` ("providers/{agb}/..."): its
// sites, bookings, enrolments and waitlists are its own. INVALID_ARGUMENT
// for a resource in no provider.
absl::Status RequireProviderOf(const auth::Principal& caller,
                               absl::string_view resource,
                               absl::string_view verb) {
  const std::vector<absl::string_view> parts = absl::StrSplit(resource, '/');
  if (parts.size() < 2 || parts[0] != "providers" || parts[1].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", resource,
                     "\" names no provider's resource; give "
                     "providers/{agb}/..."));
  }
  return auth::RequireProvider(caller, parts[1],
                               absl::StrCat(verb, " of provider ", parts[1]));
}

absl::Status RequireProviderOrClientsMunicipality(const auth::Principal& caller,
                                                  const SiteKey& site,
                                                  const std::string& assignment,
                                                  absl::string_view verb) {
  auto ids =
      ParseName(assignment, "municipalities/*/assignments/*", "assignment");
  return auth::RequireMunicipalityOrProvider(
      caller, ids.ok() ? (*ids)[0] : "", site.provider,
      absl::StrCat(verb, " of provider ", site.provider));
}

absl::StatusOr<std::string> SiteCatalog(store::Database& db, Kind kind,
                                        const SiteKey& parent) {
  std::string catalog;
  if (absl::Status s =
          db.ReadTransaction([&](store::Connection& c) -> absl::Status {
            if (kind == Kind::kPool) {
              WMO_ASSIGN_OR_RETURN(p, Repo::GetPool(c, parent));
              catalog = p.catalog();
            } else {
              WMO_ASSIGN_OR_RETURN(g, Repo::GetGroup(c, parent));
              catalog = g.catalog();
            }
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  return catalog;
}

absl::StatusOr<WaitlistEntryKey> ParseWaitlistEntry(const std::string& name,
                                                    const std::string& field) {
  const size_t cut = name.rfind("/waitlistEntries/");
  if (cut == std::string::npos) {
    return Malformed({Violation(
        "CP-FORMAT", "", field,
        "give a waitlist entry, {pool or group}/waitlistEntries/{id}")});
  }
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(name.substr(0, cut), field));
  return WaitlistEntryKey{parent.first, parent.second, IdOf(name)};
}

// Records that the waitlist of a pool or group goes, entry by entry.
absl::Status AuditWaitlistGone(store::Connection& c,
                               const auth::Principal& caller,
                               absl::string_view operation, Kind kind,
                               const SiteKey& parent) {
  WMO_ASSIGN_OR_RETURN(entries, CapacityRepository::ListWaitlist(
                                    c, kind, parent, 0, kAllEnrolments));
  for (const v1::WaitlistEntry& entry : entries) {
    if (absl::Status s =
            AuditChange(c, caller, operation, entry, v1::WaitlistEntry());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The first and last day a request asks for: nights of a stay, days of an
// enrolment. INVALID_ARGUMENT with every format violation.
absl::StatusOr<rules::Period> RequestedDays(const v1::Booking* b,
                                            const v1::Enrolment* e) {
  Violations v;
  const std::string& bsn = b ? b->client_bsn() : e->client_bsn();
  const std::string& assignment = b ? b->assignment() : e->assignment();
  if (!rules::IsValidBsn(bsn)) {
    v.push_back(Violation("CP-FORMAT", "", "client_bsn",
                          "a BSN has 9 digits and passes the 11-proef"));
  }
  if (!ParseName(assignment, "municipalities/*/assignments/*", "assignment")
           .ok()) {
    v.push_back(Violation(
        "CP-FORMAT", "", "assignment",
        "name the assignment as municipalities/{code}/assignments/{number}"));
  }
  std::optional<rules::Period> days;
  if (b) {
    auto arrival = rules::ParseDate(b->arrival_date(), "arrival_date");
    auto departure = rules::ParseDate(b->departure_date(), "departure_date");
    if (arrival.ok() && departure.ok()) {
      days = rules::NightsOf(*arrival, *departure);
    }
    if (!days || rules::DaysIn(*days) > kMaxNights) {
      v.push_back(Violation("CP-FORMAT", "", "departure_date",
                            absl::StrCat("give arrival and departure as ISO "
                                         "dates, 1 to ",
                                         kMaxNights, " nights apart")));
    }
  } else {
    auto period = rules::ParsePeriod(e->start_date(), e->end_date(), "");
    if (e->end_date().empty() || !period.ok()) {
      v.push_back(Violation("CP-FORMAT", "", "end_date",
                            "give start and end date as ISO dates, the end "
                            "not before the start"));
    } else {
      days = *period;
    }
  }
  if (!v.empty()) return Malformed(v);
  return *days;
}

}  // namespace wmo::capacity
