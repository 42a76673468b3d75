#include "services/capacity/site_api.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "libs/rules/capacity.h"
#include "libs/server/update_mask.h"
#include "services/capacity/capacity_common.h"
#include "services/capacity/site_crud.h"

namespace wmo::capacity {
namespace {

using server::ParseName;
using server::Violation;
using site_crud::CreateSite;
using site_crud::GetSite;
using site_crud::Groups;
using site_crud::ListSites;
using site_crud::Locations;
using site_crud::Pools;
using site_crud::UpdateSite;

// What a patch carries besides changes: which site, and which version.
using wmo::catalog::v1::Catalog;

// The catalog a new group or pool names, valid today; CP-CATALOG when none.
absl::StatusOr<std::shared_ptr<const Catalog>> CatalogToday(
    catalog::CatalogSource& catalogs, const std::string& id,
    const server::Clock& now) {
  auto catalog = catalogs.CatalogOn(id, server::TodayBy(now));
  if (!catalog.ok()) {
    return Malformed({Violation("CP-CATALOG", "", "catalog",
                                std::string(catalog.status().message()))});
  }
  return catalog;
}

// A new group or pool serves the catalog of its location's region.
absl::Status ServesItsLocation(store::Connection& c, const SiteKey& location,
                               const Catalog& catalog) {
  WMO_ASSIGN_OR_RETURN(at, Repo::GetLocation(c, location));
  if (Violations r = CheckServesLocation(catalog, at); !r.empty()) {
    return Refusal(r);
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------
// Locations.

absl::Status SiteApi::CreateLocation(const auth::Principal& caller,
                                     const v1::CreateLocationRequest& request,
                                     v1::Location* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(once, Once(request, "locations"));
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  if (absl::Status s = CheckId(request.location_id(), "location_id"); !s.ok()) {
    return s;
  }
  if (Violations v = CheckLocation(request.location()); !v.empty()) {
    return Malformed(v);
  }
  return CreateSite<Locations>(
      db_, caller, once, {ids[0], request.location_id(), ""},
      request.location(), "CreateLocation", now_,
      [](store::Connection&) { return absl::OkStatus(); }, response);
}

absl::Status SiteApi::GetLocation(const auth::Principal& caller,
                                  const v1::GetLocationRequest& request,
                                  v1::Location* response) {
  return GetSite<Locations>(db_, caller, request.name(), "read locations",
                            response);
}

absl::Status SiteApi::ListLocations(const auth::Principal& caller,
                                    const v1::ListLocationsRequest& request,
                                    v1::ListLocationsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  return ListSites<v1::Location>(
      db_, request,
      [&](store::Connection& c, size_t offset, size_t limit) {
        return Repo::ListLocations(c, ids[0], "", offset, limit);
      },
      response->mutable_locations(), response->mutable_next_page_token());
}

absl::Status SiteApi::UpdateLocation(const auth::Principal& caller,
                                     const v1::UpdateLocationRequest& request,
                                     v1::Location* response) {
  if (absl::Status s = RequireProviderOf(caller, request.location().name(),
                                         "change locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key,
                       LocationKey(request.location().name(), "location.name"));
  WMO_ASSIGN_OR_RETURN(
      fields, server::FieldsToUpdate(request.update_mask(), request.location(),
                                     "CP-FORMAT"));
  // A move to another municipality keeps the location's groups and pools
  // only where their catalogs serve it (CP-REGION): their catalogs first,
  // outside the transaction.
  std::map<std::string, std::shared_ptr<const Catalog>> catalogs;
  const bool moves =
      std::find(fields.begin(), fields.end(), "municipality") != fields.end();
  auto children =
      [&](store::Connection& c) -> absl::StatusOr<std::set<std::string>> {
    std::set<std::string> used;
    WMO_ASSIGN_OR_RETURN(groups, Repo::ListGroups(c, key, 0, kAllChildren));
    for (const v1::Group& g : groups) used.insert(g.catalog());
    WMO_ASSIGN_OR_RETURN(pools, Repo::ListPools(c, key, 0, kAllChildren));
    for (const v1::BedPool& p : pools) used.insert(p.catalog());
    return used;
  };
  if (moves) {
    std::set<std::string> used;
    if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
          auto found = children(c);
          if (!found.ok()) return found.status();
          used = *std::move(found);
          return absl::OkStatus();
        });
        !s.ok()) {
      return s;
    }
    for (const std::string& id : used) {
      WMO_ASSIGN_OR_RETURN(catalog, CatalogToday(catalogs_, id, now_));
      catalogs.emplace(id, std::move(catalog));
    }
  }
  const std::string& etag =
      request.etag().empty() ? request.location().etag() : request.etag();
  return UpdateSite<Locations>(
      db_, caller, key, etag, fields, request.location(), "UpdateLocation",
      now_,
      [&](store::Connection& c, const v1::Location& before,
          v1::Location& l) -> absl::Status {
        if (Violations v = CheckLocation(l); !v.empty()) return Malformed(v);
        if (!moves || l.municipality() == before.municipality()) {
          return absl::OkStatus();
        }
        WMO_ASSIGN_OR_RETURN(used, children(c));
        std::vector<const Catalog*> served;
        for (const std::string& id : used) {
          auto catalog = catalogs.find(id);
          if (catalog == catalogs.end()) {
            return absl::AbortedError(
                "the location's groups or pools changed meanwhile; retry");
          }
          served.push_back(catalog->second.get());
        }
        if (Violations v = CheckMoveKeepsRegion(served, l); !v.empty()) {
          return Refusal(v);
        }
        return absl::OkStatus();
      },
      response);
}

absl::Status SiteApi::DeleteLocation(const auth::Principal& caller,
                                     const v1::DeleteLocationRequest& request) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "delete locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, LocationKey(request.name(), "name"));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(before, Repo::GetLocation(c, key));
    WMO_ASSIGN_OR_RETURN(children, Repo::CountChildren(c, key));
    if (children > 0) {
      return Refused(absl::StatusCode::kFailedPrecondition, "in use",
                     {Violation("CP-IN-USE", "", "name",
                                "the location still has groups or bed pools; "
                                "delete them first")});
    }
    if (absl::Status s = Repo::DeleteSite(c, Kind::kLocation, key); !s.ok()) {
      return s;
    }
    return AuditChange(c, caller, "DeleteLocation", before, v1::Location());
  });
}

// ---------------------------------------------------------------------------
// Groups.

absl::Status SiteApi::CreateGroup(const auth::Principal& caller,
                                  const v1::CreateGroupRequest& request,
                                  v1::Group* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(once, Once(request, "groups"));
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  if (absl::Status s = CheckId(request.group_id(), "group_id"); !s.ok()) {
    return s;
  }
  v1::Group g = request.group();
  WMO_ASSIGN_OR_RETURN(catalog, CatalogToday(catalogs_, g.catalog(), now_));
  Violations v = CheckGroup(g, *catalog);
  // Contracts only for products that are right for the place at all.
  if (v.empty()) {
    v = CheckContracted(*catalog, location.provider, g.products(),
                        server::TodayBy(now_));
  }
  if (!v.empty()) return Refusal(v);
  g = WithCatalogBounds(std::move(g), *catalog);
  if (Violations v = CheckBounded(g); !v.empty()) return Malformed(v);
  return CreateSite<Groups>(
      db_, caller, once,
      {location.provider, location.location, request.group_id()}, std::move(g),
      "CreateGroup", now_,
      [&](store::Connection& c) {
        return ServesItsLocation(c, location, *catalog);
      },
      response);
}

absl::Status SiteApi::GetGroup(const auth::Principal& caller,
                               const v1::GetGroupRequest& request,
                               v1::Group* response) {
  return GetSite<Groups>(db_, caller, request.name(), "read groups", response);
}

absl::Status SiteApi::ListGroups(const auth::Principal& caller,
                                 const v1::ListGroupsRequest& request,
                                 v1::ListGroupsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  return ListSites<v1::Group>(
      db_, request,
      [&](store::Connection& c, size_t offset, size_t limit) {
        return Repo::ListGroups(c, location, offset, limit);
      },
      response->mutable_groups(), response->mutable_next_page_token());
}

absl::Status SiteApi::UpdateGroup(const auth::Principal& caller,
                                  const v1::UpdateGroupRequest& request,
                                  v1::Group* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.group().name(), "change groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, Groups::Key(request.group().name(), "group.name"));
  WMO_ASSIGN_OR_RETURN(catalog_id, SiteCatalog(db_, Kind::kGroup, key));
  WMO_ASSIGN_OR_RETURN(catalog,
                       catalogs_.CatalogOn(catalog_id, server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(
      fields, server::FieldsToUpdate(request.update_mask(), request.group(),
                                     "CP-FORMAT"));
  const std::string& etag =
      request.etag().empty() ? request.group().etag() : request.etag();
  return UpdateSite<Groups>(
      db_, caller, key, etag, fields, request.group(), "UpdateGroup", now_,
      [&](store::Connection& c, const v1::Group&,
          v1::Group& g) -> absl::Status {
        if (Violations v = CheckGroup(g, *catalog); !v.empty()) {
          return Refusal(v);
        }
        g = WithCatalogBounds(std::move(g), *catalog);
        // An update may not leave a group without a bound either.
        if (Violations v = CheckBounded(g); !v.empty()) return Malformed(v);
        return CheckStillFits(c, key, g);
      },
      response);
}

absl::Status SiteApi::CheckStillFits(store::Connection& c, const SiteKey& key,
                                     const v1::Group& group) {
  // Enrolments running from today on must keep their sessions, and each
  // session must still hold them all.
  const rules::Date today = server::TodayBy(now_);
  WMO_ASSIGN_OR_RETURN(enrolled,
                       Repo::ListEnrolments(c, key, "", "", kAllEnrolments));
  std::vector<rules::EnrolmentSpan> running;
  rules::Date last = today;
  for (const v1::Enrolment& e : enrolled) {
    auto period = rules::ParsePeriod(e.start_date(), e.end_date(), "");
    if (!period.ok() || period->to < today) continue;
    Violations missing;
    std::vector<int> sessions = SessionIndices(group, e, missing);
    if (!missing.empty()) {
      return Refused(absl::StatusCode::kFailedPrecondition, "in use",
                     {Violation("CP-IN-USE", "", "sessions",
                                absl::StrCat(e.name(),
                                             " comes to a session the change "
                                             "removes; end it first"))});
    }
    last = std::max(last, period->to);
    running.push_back({*period, std::move(sessions)});
  }
  for (int k = 0; k < group.sessions_size(); ++k) {
    const int capacity = SessionCapacity(group, group.sessions(k));
    const int peak =
        rules::PeakPerSession(running, {{today, last}, {k}})[0] - 1;
    if (capacity >= 0 && peak > capacity) {
      return Refused(
          absl::StatusCode::kFailedPrecondition, "in use",
          {Violation("CP-IN-USE", "", absl::StrCat("sessions[", k, "]"),
                     absl::StrCat(peak,
                                  " clients are enrolled in this "
                                  "session; it would hold ",
                                  capacity, ". Keep room for them"))});
    }
  }
  return absl::OkStatus();
}

absl::Status SiteApi::DeleteGroup(const auth::Principal& caller,
                                  const v1::DeleteGroupRequest& request) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "delete groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, Groups::Key(request.name(), "name"));
  const std::string today = rules::FormatDate(server::TodayBy(now_));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(before, Repo::GetGroup(c, key));
    WMO_ASSIGN_OR_RETURN(enrolments,
                         Repo::ListEnrolments(c, key, "", "", kAllEnrolments));
    for (const auto& e : enrolments) {
      if (e.end_date() >= today) {
        return Refused(absl::StatusCode::kFailedPrecondition, "in use",
                       {Violation("CP-IN-USE", "", "name",
                                  "clients are enrolled in the group today or "
                                  "later; end their enrolments first")});
      }
    }
    // Its past enrolments and waitlist go with it: a new group of the same
    // id starts empty. Each is in the trail: they are clients' records.
    for (const auto& e : enrolments) {
      if (absl::Status s =
              AuditChange(c, caller, "DeleteGroup", e, v1::Enrolment());
          !s.ok()) {
        return s;
      }
    }
    if (absl::Status s =
            AuditWaitlistGone(c, caller, "DeleteGroup", Kind::kGroup, key);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::DeleteEnrolments(c, key); !s.ok()) return s;
    if (absl::Status s = Repo::DeleteWaitlist(c, Kind::kGroup, key); !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::DeleteSite(c, Kind::kGroup, key); !s.ok()) {
      return s;
    }
    return AuditChange(c, caller, "DeleteGroup", before, v1::Group());
  });
}

// ---------------------------------------------------------------------------
// Bed pools.

absl::Status SiteApi::CreateBedPool(const auth::Principal& caller,
                                    const v1::CreateBedPoolRequest& request,
                                    v1::BedPool* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(once, Once(request, "bedPools"));
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  if (absl::Status s = CheckId(request.bed_pool_id(), "bed_pool_id"); !s.ok()) {
    return s;
  }
  const v1::BedPool& p = request.bed_pool();
  WMO_ASSIGN_OR_RETURN(catalog, CatalogToday(catalogs_, p.catalog(), now_));
  Violations v = CheckPool(p, *catalog);
  // Contracts only for products that are right for the place at all.
  if (v.empty()) {
    v = CheckContracted(*catalog, location.provider, p.products(),
                        server::TodayBy(now_));
  }
  if (!v.empty()) return Refusal(v);
  return CreateSite<Pools>(
      db_, caller, once,
      {location.provider, location.location, request.bed_pool_id()}, p,
      "CreateBedPool", now_,
      [&](store::Connection& c) {
        return ServesItsLocation(c, location, *catalog);
      },
      response);
}

absl::Status SiteApi::GetBedPool(const auth::Principal& caller,
                                 const v1::GetBedPoolRequest& request,
                                 v1::BedPool* response) {
  return GetSite<Pools>(db_, caller, request.name(), "read bed pools",
                        response);
}

absl::Status SiteApi::ListBedPools(const auth::Principal& caller,
                                   const v1::ListBedPoolsRequest& request,
                                   v1::ListBedPoolsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  return ListSites<v1::BedPool>(
      db_, request,
      [&](store::Connection& c, size_t offset, size_t limit) {
        return Repo::ListPools(c, location, offset, limit);
      },
      response->mutable_bed_pools(), response->mutable_next_page_token());
}

absl::Status SiteApi::UpdateBedPool(const auth::Principal& caller,
                                    const v1::UpdateBedPoolRequest& request,
                                    v1::BedPool* response) {
  if (absl::Status s = RequireProviderOf(caller, request.bed_pool().name(),
                                         "change bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key,
                       Pools::Key(request.bed_pool().name(), "bed_pool.name"));
  WMO_ASSIGN_OR_RETURN(catalog_id, SiteCatalog(db_, Kind::kPool, key));
  WMO_ASSIGN_OR_RETURN(catalog,
                       catalogs_.CatalogOn(catalog_id, server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(
      fields, server::FieldsToUpdate(request.update_mask(), request.bed_pool(),
                                     "CP-FORMAT"));
  const std::string& etag =
      request.etag().empty() ? request.bed_pool().etag() : request.etag();
  return UpdateSite<Pools>(
      db_, caller, key, etag, fields, request.bed_pool(), "UpdateBedPool", now_,
      [&](store::Connection& c, const v1::BedPool& before,
          v1::BedPool& p) -> absl::Status {
        if (Violations v = CheckPool(p, *catalog); !v.empty()) {
          return Refusal(v);
        }
        if (p.beds() >= before.beds()) return absl::OkStatus();
        // Fewer beds only when the removed ones hold no booking from today.
        const rules::Period ahead{server::TodayBy(now_),
                                  rules::Period::OpenEnd()};
        WMO_ASSIGN_OR_RETURN(taken, Repo::TakenBeds(c, key, ahead));
        for (const auto& [bed, nights] : taken) {
          if (bed > p.beds() && !nights.empty()) {
            return Refused(absl::StatusCode::kFailedPrecondition, "in use",
                           {Violation("CP-IN-USE", "", "beds",
                                      absl::StrCat("bed ", bed,
                                                   " is booked from today on; "
                                                   "cancel or move those "
                                                   "bookings first"))});
          }
        }
        return absl::OkStatus();
      },
      response);
}

absl::Status SiteApi::DeleteBedPool(const auth::Principal& caller,
                                    const v1::DeleteBedPoolRequest& request) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "delete bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, Pools::Key(request.name(), "name"));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(before, Repo::GetPool(c, key));
    const rules::Period ahead{server::TodayBy(now_), rules::Period::OpenEnd()};
    WMO_ASSIGN_OR_RETURN(booked, Repo::BookedPerNight(c, key, ahead));
    if (!booked.empty()) {
      return Refused(absl::StatusCode::kFailedPrecondition, "in use",
                     {Violation("CP-IN-USE", "", "name",
                                "beds of the pool are booked from today on; "
                                "cancel those bookings first")});
    }
    // Past bookings stay: their nights count for the clients' yearly caps.
    if (absl::Status s =
            AuditWaitlistGone(c, caller, "DeleteBedPool", Kind::kPool, key);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::DeleteWaitlist(c, Kind::kPool, key); !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::DeleteSite(c, Kind::kPool, key); !s.ok()) {
      return s;
    }
    return AuditChange(c, caller, "DeleteBedPool", before, v1::BedPool());
  });
}

absl::Status SiteApi::ListAuditEntries(
    const auth::Principal& caller,
    const type::v1::ListAuditEntriesRequest& request,
    type::v1::ListAuditEntriesResponse* response) {
  return audit::List(db_, caller, {"providers/*/locations/*"}, request,
                     response);
}

}  // namespace wmo::capacity
