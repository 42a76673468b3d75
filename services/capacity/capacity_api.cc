#include "services/capacity/capacity_api.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/capacity.h"
#include "libs/rules/declaration.h"
#include "libs/rules/identifiers.h"
#include "libs/rules/volume.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/store/request_ids.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/capacity/capacity_rules.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::capacity {
namespace {

using Repo = CapacityRepository;
using Kind = CapacityRepository::Kind;
using server::ParseName;
using server::Violation;
using wmo::assignment::v1::Assignment;
using wmo::catalog::v1::Catalog;

constexpr int kMaxNights = 366;
constexpr int kMaxSearchDays = 92;
constexpr int kMaxOccupancyDays = 366;
// Existing enrolments of one group read for a capacity check.
constexpr size_t kAllEnrolments = 100000;
// A location's groups and pools, all at once.
constexpr size_t kAllChildren = 100000;

std::string NewId() {
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(absl::BitGen()));
}

std::string NextEtag(const std::string& etag) {
  int64_t n = 0;
  if (etag.size() > 1) (void)absl::SimpleAtoi(etag.substr(1), &n);
  return absl::StrCat("r", n + 1);
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

// The retry key of a create in `collection` under the request's parent;
// INVALID_ARGUMENT for an unusable request_id. Made before any work.
template <typename CreateRequest>
absl::StatusOr<store::CreateRequest> Once(const CreateRequest& request,
                                          absl::string_view collection) {
  if (absl::Status s = server::CheckRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  return store::CreateRequest{absl::StrCat(request.parent(), "/", collection),
                              request.request_id(),
                              server::RequestDigest(request)};
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

absl::Status CheckEtag(const std::string& given, const std::string& stored) {
  if (given.empty() || given == stored) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("etag: it changed since you read it (now ", stored,
                   ", yours ", given, "); read it again and retry"));
}

// The update mask's fields, or every field the patch sets when empty.
std::vector<std::string> MaskOrSet(const google::protobuf::FieldMask& mask,
                                   const google::protobuf::Message& patch) {
  std::vector<std::string> fields(mask.paths().begin(), mask.paths().end());
  if (!fields.empty()) return fields;
  std::vector<const google::protobuf::FieldDescriptor*> set;
  patch.GetReflection()->ListFields(patch, &set);
  for (const auto* f : set) {
    if (f->name() != "name" && f->name() != "etag") fields.push_back(f->name());
  }
  return fields;
}

// Copies `fields` of `patch` into `target`; INVALID_ARGUMENT for a field
// that is not in `changeable`.
absl::Status ApplyMask(const std::vector<std::string>& fields,
                       const std::set<std::string>& changeable,
                       const google::protobuf::Message& patch,
                       google::protobuf::Message& target) {
  const auto* descriptor = target.GetDescriptor();
  const auto* reflection = target.GetReflection();
  for (const std::string& name : fields) {
    const auto* field = descriptor->FindFieldByName(name);
    if (field == nullptr || !changeable.count(name)) {
      return Malformed({Violation(
          "CP-FORMAT", "", "update_mask",
          absl::StrCat("\"", name, "\" cannot change; changeable are ",
                       absl::StrJoin(changeable, ", ")))});
    }
    reflection->ClearField(&target, field);
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(patch, field); ++i) {
        if (field->cpp_type() ==
            google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
          reflection->AddMessage(&target, field)
              ->CopyFrom(reflection->GetRepeatedMessage(patch, field, i));
        } else if (field->cpp_type() ==
                   google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
          reflection->AddString(&target, field,
                                reflection->GetRepeatedString(patch, field, i));
        }
      }
    } else if (reflection->HasField(patch, field) ||
               field->cpp_type() !=
                   google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      switch (field->cpp_type()) {
        case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
          reflection->SetString(&target, field,
                                reflection->GetString(patch, field));
          break;
        case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
          reflection->SetInt32(&target, field,
                               reflection->GetInt32(patch, field));
          break;
        case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
          reflection->SetBool(&target, field,
                              reflection->GetBool(patch, field));
          break;
        default:
          return Malformed(
              {Violation("CP-FORMAT", "", "update_mask",
                         absl::StrCat("\"", name, "\" cannot change"))});
      }
    }
  }
  return absl::OkStatus();
}

template <typename T>
void Page(std::vector<T>& rows, const server::Page& page,
          google::protobuf::RepeatedPtrField<T>* out, std::string* token) {
  for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
    *out->Add() = std::move(rows[i]);
  }
  *token = server::NextPageToken(
      page, rows.size() > page.size ? page.offset + page.size + 1 : 0);
}

// For a municipality: the prefix of its assignments' names, which its
// clients' bookings and enrolments name; "" for anyone else.
std::string ClientsOf(const auth::Principal& caller) {
  return caller.kind == auth::PrincipalKind::kMunicipality
             ? absl::StrCat("municipalities/", caller.tenant, "/")
             : "";
}

// The rows of a page taken from all `rows` of a parent, keeping those under
// the assignments named by `prefix`: what Page expects (one more than the
// page when another follows).
template <typename T>
std::vector<T> OnlyUnder(std::vector<T> rows, const std::string& prefix,
                         const server::Page& page) {
  std::vector<T> kept;
  size_t skipped = 0;
  for (T& row : rows) {
    if (!absl::StartsWith(row.assignment(), prefix)) continue;
    if (skipped++ < page.offset) continue;
    kept.push_back(std::move(row));
    if (kept.size() > page.size) break;
  }
  return kept;
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

}  // namespace

// What a booking or enrolment request needs from the other services.
struct CapacityApi::Facts {
  // Nothing when the assignment does not exist.
  std::optional<Assignment> assignment;
  // The catalog version on the first day asked; nothing with `problem`.
  std::shared_ptr<const Catalog> catalog;
  std::string problem;
};

// A booking in a pool or an enrolment in a group, as asked.
namespace {

// Records the change of a capacity resource from `before` to `after` (an
// empty `before` for a create, an empty `after` for a delete).
template <typename Resource>
absl::Status AuditChange(store::Connection& c, const auth::Principal& caller,
                         absl::string_view operation, const Resource& before,
                         const Resource& after) {
  return audit::Record(
      c,
      audit::Change(caller, after.name().empty() ? before.name() : after.name(),
                    operation, before, after));
}

// Records that the waitlist of a pool or group goes, entry by entry.
absl::Status AuditWaitlistGone(store::Connection& c,
                               const auth::Principal& caller,
                               absl::string_view operation,
                               CapacityRepository::Kind kind,
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

// The names of the resources a list answers with, for the audit of a read.
template <typename Resources>
std::vector<std::string> NamesOf(const Resources& resources) {
  std::vector<std::string> names;
  names.reserve(resources.size());
  for (const auto& r : resources) names.push_back(r.name());
  return names;
}

}  // namespace

struct CapacityApi::Request {
  Kind kind = Kind::kPool;
  SiteKey parent;
  v1::Booking booking;
  v1::Enrolment enrolment;
  // The waitlist entry being fulfilled, if any.
  std::string waitlist_entry;
  // Who asks and by which method, for the audit trail.
  const auth::Principal* caller = nullptr;
  std::string operation;
};

namespace {

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

}  // namespace

CapacityApi::CapacityApi(store::Database& db,
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

void CapacityApi::CountBooking(const std::string& outcome) {
  if (bookings_) bookings_->Add({{"outcome", outcome}}).Increment();
}

// ---------------------------------------------------------------------------
// Locations, groups, pools.

absl::Status CapacityApi::CreateLocation(
    const auth::Principal& caller, const v1::CreateLocationRequest& request,
    v1::Location* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create locations");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "locations");
  if (!once.ok()) return once.status();
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  if (absl::Status s = CheckId(request.location_id(), "location_id"); !s.ok()) {
    return s;
  }
  v1::Location l = request.location();
  if (Violations v = CheckLocation(l); !v.empty()) return Malformed(v);
  const SiteKey key{ids[0], request.location_id(), ""};
  l.set_name(LocationName(key));
  l.set_create_time(server::Timestamp(now_()));
  l.set_update_time(l.create_time());
  l.set_etag("r1");
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    absl::Status s = Repo::InsertLocation(c, key, l);
    if (absl::IsAlreadyExists(s)) return IdInUse("location", l.name());
    if (!s.ok()) return s;
    if (absl::Status a =
            AuditChange(c, caller, "CreateLocation", v1::Location(), l);
        !a.ok()) {
      return a;
    }
    *response = l;
    return l.name();
  };
  auto replay = [&](store::Connection& c, const std::string&) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Repo::GetLocation(c, key));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, *once, create, replay);
  });
}

absl::Status CapacityApi::GetLocation(const auth::Principal& caller,
                                      const v1::GetLocationRequest& request,
                                      v1::Location* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "read locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, LocationKey(request.name(), "name"));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(l, Repo::GetLocation(c, key));
    *response = std::move(l);
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::ListLocations(const auth::Principal& caller,
                                        const v1::ListLocationsRequest& request,
                                        v1::ListLocationsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        rows, Repo::ListLocations(c, ids[0], "", page.offset, page.size + 1));
    response->Clear();
    Page(rows, page, response->mutable_locations(),
         response->mutable_next_page_token());
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::UpdateLocation(
    const auth::Principal& caller, const v1::UpdateLocationRequest& request,
    v1::Location* response) {
  if (absl::Status s = RequireProviderOf(caller, request.location().name(),
                                         "change locations");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key,
                       LocationKey(request.location().name(), "location.name"));
  const auto fields = MaskOrSet(request.update_mask(), request.location());
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
      WMO_ASSIGN_OR_RETURN(catalog,
                           catalogs_.CatalogOn(id, server::TodayBy(now_)));
      catalogs.emplace(id, std::move(catalog));
    }
  }
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(l, Repo::GetLocation(c, key));
    const v1::Location before = l;
    const std::string& etag =
        request.etag().empty() ? request.location().etag() : request.etag();
    if (absl::Status s = CheckEtag(etag, l.etag()); !s.ok()) return s;
    if (absl::Status s = ApplyMask(
            fields, {"display_name", "municipality", "postcode", "address"},
            request.location(), l);
        !s.ok()) {
      return s;
    }
    if (Violations v = CheckLocation(l); !v.empty()) return Malformed(v);
    if (moves && l.municipality() != before.municipality()) {
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
    }
    l.set_update_time(server::Timestamp(now_()));
    l.set_etag(NextEtag(l.etag()));
    if (absl::Status s = Repo::UpdateLocation(c, key, l); !s.ok()) return s;
    if (absl::Status s = AuditChange(c, caller, "UpdateLocation", before, l);
        !s.ok()) {
      return s;
    }
    *response = l;
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::DeleteLocation(
    const auth::Principal& caller, const v1::DeleteLocationRequest& request) {
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

absl::Status CapacityApi::CreateGroup(const auth::Principal& caller,
                                      const v1::CreateGroupRequest& request,
                                      v1::Group* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create groups");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "groups");
  if (!once.ok()) return once.status();
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  if (absl::Status s = CheckId(request.group_id(), "group_id"); !s.ok()) {
    return s;
  }
  v1::Group g = request.group();
  auto catalog = catalogs_.CatalogOn(g.catalog(), server::TodayBy(now_));
  if (!catalog.ok()) {
    return Malformed({Violation("CP-CATALOG", "", "catalog",
                                std::string(catalog.status().message()))});
  }
  Violations v = CheckGroup(g, **catalog);
  // Contracts only for products that are right for the place at all.
  if (v.empty())
    v = CheckContracted(**catalog, location.provider, g.products(),
                        server::TodayBy(now_));
  if (!v.empty()) return Refusal(v);
  g = WithCatalogBounds(std::move(g), **catalog);
  if (g.max_size() == 0 && g.max_clients_per_staff() == 0) {
    return Malformed({Violation("CP-SIZE", "", "max_size",
                                "the catalog sets no group size for these "
                                "products; give max_size")});
  }
  const SiteKey key{location.provider, location.location, request.group_id()};
  g.set_name(GroupName(key));
  g.set_create_time(server::Timestamp(now_()));
  g.set_update_time(g.create_time());
  g.set_etag("r1");
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    WMO_ASSIGN_OR_RETURN(at, Repo::GetLocation(c, location));
    if (Violations r = CheckServesLocation(**catalog, at); !r.empty()) {
      return Refusal(r);
    }
    absl::Status s = Repo::InsertGroup(c, key, g);
    if (absl::IsAlreadyExists(s)) return IdInUse("group", g.name());
    if (!s.ok()) return s;
    if (absl::Status a = AuditChange(c, caller, "CreateGroup", v1::Group(), g);
        !a.ok()) {
      return a;
    }
    *response = g;
    return g.name();
  };
  auto replay = [&](store::Connection& c, const std::string&) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Repo::GetGroup(c, key));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, *once, create, replay);
  });
}

absl::Status CapacityApi::GetGroup(const auth::Principal& caller,
                                   const v1::GetGroupRequest& request,
                                   v1::Group* response) {
  if (absl::Status s = RequireProviderOf(caller, request.name(), "read groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.name(), "groups", "name"));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(g, Repo::GetGroup(c, key));
    *response = std::move(g);
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::ListGroups(const auth::Principal& caller,
                                     const v1::ListGroupsRequest& request,
                                     v1::ListGroupsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        rows, Repo::ListGroups(c, location, page.offset, page.size + 1));
    response->Clear();
    Page(rows, page, response->mutable_groups(),
         response->mutable_next_page_token());
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::UpdateGroup(const auth::Principal& caller,
                                      const v1::UpdateGroupRequest& request,
                                      v1::Group* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.group().name(), "change groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(
      key, ChildKey(request.group().name(), "groups", "group.name"));
  const auto fields = MaskOrSet(request.update_mask(), request.group());
  v1::Group current;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto g = Repo::GetGroup(c, key);
        if (!g.ok()) return g.status();
        current = *std::move(g);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  auto catalog = catalogs_.CatalogOn(current.catalog(), server::TodayBy(now_));
  if (!catalog.ok()) return catalog.status();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(g, Repo::GetGroup(c, key));
    const v1::Group before = g;
    const std::string& etag =
        request.etag().empty() ? request.group().etag() : request.etag();
    if (absl::Status s = CheckEtag(etag, g.etag()); !s.ok()) return s;
    if (absl::Status s = ApplyMask(fields,
                                   {"display_name", "min_size", "max_size",
                                    "max_clients_per_staff", "sessions"},
                                   request.group(), g);
        !s.ok()) {
      return s;
    }
    if (Violations v = CheckGroup(g, **catalog); !v.empty()) {
      return Refusal(v);
    }
    g = WithCatalogBounds(std::move(g), **catalog);
    if (absl::Status s = CheckStillFits(c, key, g); !s.ok()) return s;
    g.set_update_time(server::Timestamp(now_()));
    g.set_etag(NextEtag(g.etag()));
    if (absl::Status s = Repo::UpdateGroup(c, key, g); !s.ok()) return s;
    if (absl::Status s = AuditChange(c, caller, "UpdateGroup", before, g);
        !s.ok()) {
      return s;
    }
    *response = g;
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::CheckStillFits(store::Connection& c,
                                         const SiteKey& key,
                                         const v1::Group& group) {
  // Enrolments running from today on must keep their sessions, and each
  // session must still hold them all.
  const rules::Date today = server::TodayBy(now_);
  WMO_ASSIGN_OR_RETURN(enrolled,
                       Repo::ListEnrolments(c, key, "", 0, kAllEnrolments));
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

absl::Status CapacityApi::DeleteGroup(const auth::Principal& caller,
                                      const v1::DeleteGroupRequest& request) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "delete groups");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.name(), "groups", "name"));
  const std::string today = rules::FormatDate(server::TodayBy(now_));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(before, Repo::GetGroup(c, key));
    WMO_ASSIGN_OR_RETURN(enrolments,
                         Repo::ListEnrolments(c, key, "", 0, kAllEnrolments));
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

absl::Status CapacityApi::CreateBedPool(const auth::Principal& caller,
                                        const v1::CreateBedPoolRequest& request,
                                        v1::BedPool* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "create bed pools");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "bedPools");
  if (!once.ok()) return once.status();
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  if (absl::Status s = CheckId(request.bed_pool_id(), "bed_pool_id"); !s.ok()) {
    return s;
  }
  v1::BedPool p = request.bed_pool();
  auto catalog = catalogs_.CatalogOn(p.catalog(), server::TodayBy(now_));
  if (!catalog.ok()) {
    return Malformed({Violation("CP-CATALOG", "", "catalog",
                                std::string(catalog.status().message()))});
  }
  Violations v = CheckPool(p, **catalog);
  // Contracts only for products that are right for the place at all.
  if (v.empty())
    v = CheckContracted(**catalog, location.provider, p.products(),
                        server::TodayBy(now_));
  if (!v.empty()) return Refusal(v);
  const SiteKey key{location.provider, location.location,
                    request.bed_pool_id()};
  p.set_name(PoolName(key));
  p.set_create_time(server::Timestamp(now_()));
  p.set_update_time(p.create_time());
  p.set_etag("r1");
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    WMO_ASSIGN_OR_RETURN(at, Repo::GetLocation(c, location));
    if (Violations r = CheckServesLocation(**catalog, at); !r.empty()) {
      return Refusal(r);
    }
    absl::Status s = Repo::InsertPool(c, key, p);
    if (absl::IsAlreadyExists(s)) return IdInUse("bed pool", p.name());
    if (!s.ok()) return s;
    if (absl::Status a =
            AuditChange(c, caller, "CreateBedPool", v1::BedPool(), p);
        !a.ok()) {
      return a;
    }
    *response = p;
    return p.name();
  };
  auto replay = [&](store::Connection& c, const std::string&) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Repo::GetPool(c, key));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, *once, create, replay);
  });
}

absl::Status CapacityApi::GetBedPool(const auth::Principal& caller,
                                     const v1::GetBedPoolRequest& request,
                                     v1::BedPool* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "read bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.name(), "bedPools", "name"));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(p, Repo::GetPool(c, key));
    *response = std::move(p);
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::ListBedPools(const auth::Principal& caller,
                                       const v1::ListBedPoolsRequest& request,
                                       v1::ListBedPoolsResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(location, LocationKey(request.parent(), "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        rows, Repo::ListPools(c, location, page.offset, page.size + 1));
    response->Clear();
    Page(rows, page, response->mutable_bed_pools(),
         response->mutable_next_page_token());
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::UpdateBedPool(const auth::Principal& caller,
                                        const v1::UpdateBedPoolRequest& request,
                                        v1::BedPool* response) {
  if (absl::Status s = RequireProviderOf(caller, request.bed_pool().name(),
                                         "change bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(
      key, ChildKey(request.bed_pool().name(), "bedPools", "bed_pool.name"));
  const auto fields = MaskOrSet(request.update_mask(), request.bed_pool());
  v1::BedPool current;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto p = Repo::GetPool(c, key);
        if (!p.ok()) return p.status();
        current = *std::move(p);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  auto catalog = catalogs_.CatalogOn(current.catalog(), server::TodayBy(now_));
  if (!catalog.ok()) return catalog.status();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(p, Repo::GetPool(c, key));
    const v1::BedPool before = p;
    const std::string& etag =
        request.etag().empty() ? request.bed_pool().etag() : request.etag();
    if (absl::Status s = CheckEtag(etag, p.etag()); !s.ok()) return s;
    const int beds_before = p.beds();
    if (absl::Status s =
            ApplyMask(fields, {"display_name", "beds", "wheelchair_accessible"},
                      request.bed_pool(), p);
        !s.ok()) {
      return s;
    }
    if (Violations v = CheckPool(p, **catalog); !v.empty()) {
      return Refusal(v);
    }
    if (p.beds() < beds_before) {
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
    }
    p.set_update_time(server::Timestamp(now_()));
    p.set_etag(NextEtag(p.etag()));
    if (absl::Status s = Repo::UpdatePool(c, key, p); !s.ok()) return s;
    if (absl::Status s = AuditChange(c, caller, "UpdateBedPool", before, p);
        !s.ok()) {
      return s;
    }
    *response = p;
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::DeleteBedPool(
    const auth::Principal& caller, const v1::DeleteBedPoolRequest& request) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "delete bed pools");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.name(), "bedPools", "name"));
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

// ---------------------------------------------------------------------------
// Bookings and enrolments.

absl::StatusOr<CapacityApi::Facts> CapacityApi::FetchFacts(
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

namespace {

// What a request would take, found by CheckRequest.
struct Plan {
  // Rules the request breaks whatever the free capacity.
  Violations refusals;
  // No free bed or place (the request may wait).
  Violations full;
  Violations notices;
  int bed = 0;
  rules::Period days;
  std::vector<int> sessions;
};

const wmo::catalog::v1::Product* ProductOf(const Catalog& catalog,
                                           const std::string& id) {
  for (const auto& p : catalog.products()) {
    if (p.id() == id) return &p;
  }
  return nullptr;
}

// The nights booked on the assignment per window must fit what it allows,
// as a declaration of them would have to (TR321, TR322).
void CheckAssignmentVolume(const Assignment& a,
                           const std::set<rules::Date>& booked,
                           const rules::Period& nights, Violations& v) {
  if (!a.has_extent()) return;
  auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
  if (!period.ok()) return;
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
}

}  // namespace

absl::Status CapacityApi::Make(store::Connection& c, const Request& r,
                               const Facts& facts, std::string* made,
                               v1::Booking* booking_out,
                               v1::Enrolment* enrolment_out, bool* full) {
  if (full) *full = false;
  const Assignment* a = facts.assignment ? &*facts.assignment : nullptr;
  Plan plan;
  const v1::Booking& b = r.booking;
  const v1::Enrolment& e = r.enrolment;
  const bool pool = r.kind == Kind::kPool;
  WMO_ASSIGN_OR_RETURN(days,
                       RequestedDays(pool ? &b : nullptr, pool ? nullptr : &e));
  plan.days = days;
  const std::string& bsn = pool ? b.client_bsn() : e.client_bsn();
  const wmo::catalog::v1::Product* product =
      a && facts.catalog ? ProductOf(*facts.catalog, a->product()) : nullptr;
  if (a && !facts.catalog) {
    plan.refusals.push_back(
        Violation("CP-CATALOG", "", "assignment", facts.problem));
  }

  v1::BedPool bed_pool;
  v1::Group group;
  if (pool) {
    WMO_ASSIGN_OR_RETURN(p, Repo::GetPool(c, r.parent));
    bed_pool = std::move(p);
    for (auto& v :
         CheckEntitlement(a, bsn, r.parent.provider, bed_pool.catalog(),
                          bed_pool.products(), days)) {
      plan.refusals.push_back(std::move(v));
    }
    if (a != nullptr && product != nullptr) {
      for (auto& v : CheckAgeOnEveryDay(*a, *product, days, "arrival_date",
                                        "departure_date")) {
        plan.refusals.push_back(std::move(v));
      }
    }
    WMO_ASSIGN_OR_RETURN(busy, Repo::ClientBusy(c, bsn, days));
    if (busy) {
      plan.refusals.push_back(
          Violation("CP-CLIENT-NIGHT", "", "arrival_date",
                    "the client has another booking on one of these nights; "
                    "choose other nights"));
    }
    if (plan.refusals.empty() && product != nullptr) {
      // Every calendar year the nights touch, and six weeks either side for
      // weekly caps and stays.
      const rules::Period window{rules::CalendarYearOf(days.from).from - 42,
                                 rules::CalendarYearOf(days.to).to + 42};
      WMO_ASSIGN_OR_RETURN(booked, Repo::ClientNights(c, bsn, a->catalog(),
                                                      a->product(), window));
      auto period = rules::ParsePeriod(a->start_date(), a->end_date(), "");
      for (auto& v :
           rules::CheckStay(catalog::BillingOf(a->catalog(), *product), booked,
                            days, period.ok() ? *period : days)) {
        plan.refusals.push_back(
            Violation(v.rule_id, v.return_code, v.field, v.message));
      }
      WMO_ASSIGN_OR_RETURN(on_assignment,
                           Repo::AssignmentNights(c, b.assignment()));
      CheckAssignmentVolume(*a, on_assignment, days, plan.refusals);
    }
    WMO_ASSIGN_OR_RETURN(taken, Repo::TakenBeds(c, r.parent, days));
    plan.bed = rules::FreeBed(bed_pool.beds(), days, taken);
    if (plan.bed == 0) {
      plan.full.push_back(Violation(
          "CP-FULL", "", "arrival_date",
          absl::StrCat("no bed of the pool is free on every night from ",
                       rules::FormatDate(days.from), " to ",
                       rules::FormatDate(days.to),
                       "; choose other nights or join the waitlist")));
    }
  } else {
    WMO_ASSIGN_OR_RETURN(g, Repo::GetGroup(c, r.parent));
    group = std::move(g);
    plan.sessions = SessionIndices(group, e, plan.refusals);
    for (auto& v : CheckEntitlement(a, bsn, r.parent.provider, group.catalog(),
                                    group.products(), days)) {
      plan.refusals.push_back(std::move(v));
    }
    if (a != nullptr && product != nullptr) {
      for (auto& v :
           CheckAgeOnEveryDay(*a, *product, days, "start_date", "end_date")) {
        plan.refusals.push_back(std::move(v));
      }
    }
    // The client's enrolments in every group: a session taken twice, and
    // the sessions the assignment pays for.
    WMO_ASSIGN_OR_RETURN(mine, Repo::ClientEnrolments(c, bsn));
    std::vector<SessionDays> on_assignment;
    auto weekdays_of = [](const v1::Enrolment& x) {
      std::vector<int> days;
      for (const auto& slot : x.sessions()) days.push_back(slot.weekday());
      return days;
    };
    for (const v1::Enrolment& other : mine) {
      auto period =
          rules::ParsePeriod(other.start_date(), other.end_date(), "");
      if (!period.ok() || !period->Overlaps(days)) continue;
      if (other.assignment() == e.assignment()) {
        on_assignment.push_back({*period, weekdays_of(other)});
      }
      bool clash = false;
      for (const auto& slot : other.sessions()) {
        for (const auto& wanted : e.sessions()) {
          clash |= slot.weekday() == wanted.weekday() &&
                   slot.day_part() == wanted.day_part();
        }
      }
      if (clash) {
        plan.refusals.push_back(Violation(
            "CP-CLIENT-SESSION", "", "sessions",
            absl::StrCat("the client is enrolled at that weekday and day "
                         "part for part of the period already (",
                         other.name(), ")")));
      }
    }
    if (plan.refusals.empty() && a && product) {
      on_assignment.push_back({days, weekdays_of(e)});
      for (auto& v : CheckExtent(*a, *product, on_assignment, days)) {
        plan.refusals.push_back(std::move(v));
      }
    }
    WMO_ASSIGN_OR_RETURN(
        enrolled, Repo::ListEnrolments(c, r.parent, "", 0, kAllEnrolments));
    std::vector<rules::EnrolmentSpan> existing;
    for (const v1::Enrolment& other : enrolled) {
      auto period =
          rules::ParsePeriod(other.start_date(), other.end_date(), "");
      if (!period.ok()) continue;
      Violations ignored;
      existing.push_back({*period, SessionIndices(group, other, ignored)});
    }
    const rules::EnrolmentSpan added{days, plan.sessions};
    const std::vector<int> peaks = rules::PeakPerSession(existing, added);
    const std::vector<int> lows = rules::LowPerSession(existing, added);
    const GroupBounds bounds =
        facts.catalog ? CatalogBounds(*facts.catalog, group) : GroupBounds();
    for (size_t i = 0; i < plan.sessions.size(); ++i) {
      const v1::Session& s = group.sessions(plan.sessions[i]);
      const int capacity = SessionCapacity(group, s);
      const std::string field = absl::StrCat("sessions[", i, "]");
      if (capacity >= 0 && peaks[i] > capacity) {
        const bool by_staff =
            group.max_clients_per_staff() > 0 &&
            s.staff() * group.max_clients_per_staff() == capacity;
        // The catalog's rule when its bound binds; the group's own, stricter
        // bound is the provider's choice (CP-SIZE).
        const bool catalog_bound =
            by_staff
                ? group.max_clients_per_staff() == bounds.max_clients_per_staff
                : group.max_size() == bounds.max_size;
        plan.full.push_back(Violation(
            catalog_bound ? bounds.rule_id : "CP-SIZE", "", field,
            absl::StrCat("the session would have ", peaks[i],
                         " clients; it holds ", capacity,
                         by_staff
                             ? absl::StrCat(" with ", s.staff(), " staff at ",
                                            group.max_clients_per_staff(),
                                            " clients each")
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
  if (pool) {
    v1::Booking booking = b;
    booking.set_name(absl::StrCat(PoolName(r.parent), "/bookings/", id));
    booking.set_bed(plan.bed);
    booking.set_state(v1::Booking::BOOKED);
    booking.set_create_time(server::Timestamp(now_()));
    booking.clear_cancel_time();
    booking.set_waitlist_entry(r.waitlist_entry);
    if (absl::Status s =
            Repo::InsertBooking(c, r.parent, id, b.assignment(), a->catalog(),
                                a->product(), booking);
        !s.ok()) {
      return s;
    }
    absl::Status s =
        Repo::ClaimNights(c, r.parent, id, plan.bed, bsn, b.assignment(),
                          a->catalog(), a->product(), days);
    if (absl::IsAlreadyExists(s)) {
      // Another booking took a night after this one looked: look again.
      return store::MarkRetryable(absl::AbortedError(
          "a bed-night was taken concurrently; the booking is retried"));
    }
    if (!s.ok()) return s;
    if (absl::Status a =
            AuditChange(c, *r.caller, r.operation, v1::Booking(), booking);
        !a.ok()) {
      return a;
    }
    *made = booking.name();
    if (booking_out) *booking_out = std::move(booking);
  } else {
    v1::Enrolment enrolment = e;
    enrolment.set_name(absl::StrCat(GroupName(r.parent), "/enrolments/", id));
    enrolment.set_state(v1::Enrolment::ACTIVE);
    enrolment.set_create_time(server::Timestamp(now_()));
    *enrolment.mutable_notices() = {plan.notices.begin(), plan.notices.end()};
    if (absl::Status s = Repo::InsertEnrolment(c, r.parent, id, enrolment);
        !s.ok()) {
      return s;
    }
    if (absl::Status a =
            AuditChange(c, *r.caller, r.operation, v1::Enrolment(), enrolment);
        !a.ok()) {
      return a;
    }
    *made = enrolment.name();
    if (enrolment_out) *enrolment_out = std::move(enrolment);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, CapacityApi::Facts>>
CapacityApi::WaitingFacts(Kind kind, const SiteKey& parent) {
  std::vector<v1::WaitlistEntry> entries;
  std::string catalog;
  if (absl::Status s =
          db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
            WMO_ASSIGN_OR_RETURN(
                all, Repo::ListWaitlist(c, kind, parent, 0, kAllEnrolments));
            for (auto& entry : all) {
              if (entry.state() == v1::WaitlistEntry::WAITING) {
                entries.push_back(std::move(entry));
              }
            }
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
  std::map<std::string, Facts> facts;
  for (const auto& entry : entries) {
    const std::string& assignment = entry.has_booking()
                                        ? entry.booking().assignment()
                                        : entry.enrolment().assignment();
    WMO_ASSIGN_OR_RETURN(f, FetchFacts(assignment, catalog));
    facts.emplace(entry.name(), std::move(f));
  }
  return facts;
}

absl::Status CapacityApi::Promote(store::Connection& c,
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
    entry.set_update_time(server::Timestamp(now_()));
    const std::string id = entry.name().substr(entry.name().rfind('/') + 1);
    if (absl::Status u = Repo::UpdateWaitlistEntry(c, kind, parent, id, entry);
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

absl::Status CapacityApi::CreateEnrolment(
    const auth::Principal& caller, const v1::CreateEnrolmentRequest& request,
    v1::Enrolment* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "enrol clients");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "enrolments");
  if (!once.ok()) return once.status();
  Request r;
  r.kind = Kind::kGroup;
  r.caller = &caller;
  r.operation = "CreateEnrolment";
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "groups", "parent"));
  r.parent = key;
  r.enrolment = request.enrolment();
  if (auto days = RequestedDays(nullptr, &r.enrolment); !days.ok()) {
    return days.status();
  }
  std::string catalog;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto g = Repo::GetGroup(c, key);
        if (g.ok()) catalog = g->catalog();
        return g.status();
      });
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(facts, FetchFacts(r.enrolment.assignment(), catalog));
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    std::string made;
    if (absl::Status s = Make(c, r, facts, &made, nullptr, response, nullptr);
        !s.ok()) {
      return s;
    }
    return made;
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Repo::GetEnrolment(c, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, *once, create, replay);
  });
}

absl::Status CapacityApi::EndEnrolment(const auth::Principal& caller,
                                       const v1::EndEnrolmentRequest& request,
                                       v1::Enrolment* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "end enrolments");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/groups/*/"
                                      "enrolments/*",
                                      "name"));
  const SiteKey group{ids[0], ids[1], ids[2]};
  WMO_ASSIGN_OR_RETURN(end, rules::ParseDate(request.end_date(), "end_date"));
  // Without the look-ups nobody is promoted, but the enrolment still ends.
  auto facts = WaitingFacts(Kind::kGroup, group);
  if (!facts.ok()) facts = std::map<std::string, Facts>();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(e, Repo::GetEnrolment(c, group, ids[3]));
    const v1::Enrolment before = e;
    auto period = rules::ParsePeriod(e.start_date(), e.end_date(), "");
    if (e.state() != v1::Enrolment::ACTIVE || !period.ok() ||
        !period->Contains(end)) {
      return Refused(
          absl::StatusCode::kFailedPrecondition, "refused",
          {Violation("CP-STATE", "", "end_date",
                     absl::StrCat("only an active enrolment ends, "
                                  "on a day from ",
                                  e.start_date(), " to ", e.end_date()))});
    }
    e.set_state(v1::Enrolment::ENDED);
    e.set_end_date(request.end_date());
    if (absl::Status s = Repo::UpdateEnrolment(c, group, ids[3], e); !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "EndEnrolment", before, e);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Promote(c, caller, Kind::kGroup, group, *facts);
        !s.ok()) {
      return s;
    }
    *response = std::move(e);
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::ListEnrolments(
    const auth::Principal& caller, const v1::ListEnrolmentsRequest& request,
    v1::ListEnrolmentsResponse* response) {
  // A municipality reads the enrolments of its own clients.
  const std::string clients = ClientsOf(caller);
  if (clients.empty()) {
    if (absl::Status s =
            RequireProviderOf(caller, request.parent(), "list enrolments");
        !s.ok()) {
      return s;
    }
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "groups", "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  if (!request.active_on().empty()) {
    if (auto d = rules::ParseDate(request.active_on(), "active_on"); !d.ok()) {
      return d.status();
    }
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            rows, clients.empty()
                      ? Repo::ListEnrolments(c, key, request.active_on(),
                                             page.offset, page.size + 1)
                      : Repo::ListEnrolments(c, key, request.active_on(), 0,
                                             kAllEnrolments));
        if (!clients.empty()) rows = OnlyUnder(std::move(rows), clients, page);
        response->Clear();
        Page(rows, page, response->mutable_enrolments(),
             response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/enrolments"),
                           "ListEnrolments", NamesOf(response->enrolments()));
}

absl::Status CapacityApi::CreateBooking(const auth::Principal& caller,
                                        const v1::CreateBookingRequest& request,
                                        v1::Booking* response) {
  if (absl::Status s = RequireProviderOf(caller, request.parent(), "book beds");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "bookings");
  if (!once.ok()) return once.status();
  Request r;
  r.kind = Kind::kPool;
  r.caller = &caller;
  r.operation = "CreateBooking";
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "bedPools", "parent"));
  r.parent = key;
  r.booking = request.booking();
  if (auto days = RequestedDays(&r.booking, nullptr); !days.ok()) {
    return days.status();
  }
  std::string catalog;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto p = Repo::GetPool(c, key);
        if (p.ok()) catalog = p->catalog();
        return p.status();
      });
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(facts, FetchFacts(r.booking.assignment(), catalog));
  bool full = false;
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    std::string made;
    if (absl::Status s = Make(c, r, facts, &made, response, nullptr, &full);
        !s.ok()) {
      return s;
    }
    return made;
  };
  bool replayed = false;
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    replayed = true;
    WMO_ASSIGN_OR_RETURN(first, Repo::GetBooking(c, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  absl::Status status = db_.Transaction([&](store::Connection& c) {
    replayed = false;
    return store::CreateOnce(c, *once, create, replay);
  });
  // A retry answered with the first booking books nothing.
  if (status.ok() && replayed) return status;
  if (status.ok()) {
    CountBooking("booked");
  } else if (absl::IsFailedPrecondition(status)) {
    CountBooking(full ? "full" : "refused");
  }
  return status;
}

absl::Status CapacityApi::CancelBooking(const auth::Principal& caller,
                                        const v1::CancelBookingRequest& request,
                                        v1::Booking* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "cancel bookings");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/bedPools/*/"
                                      "bookings/*",
                                      "name"));
  const SiteKey pool{ids[0], ids[1], ids[2]};
  // Without the look-ups nobody is promoted, but the booking is cancelled.
  auto facts = WaitingFacts(Kind::kPool, pool);
  if (!facts.ok()) facts = std::map<std::string, Facts>();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(b, Repo::GetBooking(c, pool, ids[3]));
    const v1::Booking before = b;
    if (b.state() != v1::Booking::BOOKED) {
      return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                     {Violation("CP-STATE", "", "name",
                                "the booking is cancelled already")});
    }
    b.set_state(v1::Booking::CANCELLED);
    b.set_cancel_time(server::Timestamp(now_()));
    if (absl::Status s = Repo::UpdateBooking(c, pool, ids[3], b); !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "CancelBooking", before, b);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::ReleaseNights(c, pool, ids[3]); !s.ok()) {
      return s;
    }
    if (absl::Status s = Promote(c, caller, Kind::kPool, pool, *facts);
        !s.ok()) {
      return s;
    }
    *response = std::move(b);
    return absl::OkStatus();
  });
}

absl::Status CapacityApi::ListBookings(const auth::Principal& caller,
                                       const v1::ListBookingsRequest& request,
                                       v1::ListBookingsResponse* response) {
  // A municipality reads the bookings of its own clients.
  const std::string clients = ClientsOf(caller);
  if (clients.empty()) {
    if (absl::Status s =
            RequireProviderOf(caller, request.parent(), "list bookings");
        !s.ok()) {
      return s;
    }
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "bedPools", "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  for (const auto& [text, field] : {std::pair{request.from_date(), "from_date"},
                                    std::pair{request.to_date(), "to_date"}}) {
    if (text.empty()) continue;
    if (auto d = rules::ParseDate(text, field); !d.ok()) return d.status();
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            rows,
            Repo::ListBookings(c, key, request.from_date(), request.to_date(),
                               request.show_cancelled(), clients, page.offset,
                               page.size + 1));
        response->Clear();
        Page(rows, page, response->mutable_bookings(),
             response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/bookings"),
                           "ListBookings", NamesOf(response->bookings()));
}

// ---------------------------------------------------------------------------
// Waitlists.

absl::Status CapacityApi::JoinWaitlist(const auth::Principal& caller,
                                       const v1::JoinWaitlistRequest& request,
                                       v1::WaitlistEntry* response) {
  if (absl::Status s = RequireProviderOf(caller, request.parent(),
                                         "put clients on waitlists");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "waitlist");
  if (!once.ok()) return once.status();
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(request.parent(), "parent"));
  // Named copies, not a structured binding: the lambdas below capture them.
  const Kind kind = parent.first;
  const SiteKey key = parent.second;
  Request r;
  r.kind = kind;
  r.parent = key;
  r.caller = &caller;
  r.operation = "JoinWaitlist";
  v1::WaitlistEntry entry = request.entry();
  if ((kind == Kind::kPool) != entry.has_booking() ||
      (kind == Kind::kGroup) != entry.has_enrolment()) {
    return Malformed({Violation("CP-FORMAT", "", "entry",
                                "a bed pool's waitlist takes a booking, a "
                                "group's an enrolment")});
  }
  r.booking = entry.booking();
  r.enrolment = entry.enrolment();
  if (auto days = RequestedDays(kind == Kind::kPool ? &r.booking : nullptr,
                                kind == Kind::kGroup ? &r.enrolment : nullptr);
      !days.ok()) {
    return days.status();
  }
  std::string catalog;
  if (absl::Status s =
          db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
            if (kind == Kind::kPool) {
              WMO_ASSIGN_OR_RETURN(p, Repo::GetPool(c, key));
              catalog = p.catalog();
            } else {
              WMO_ASSIGN_OR_RETURN(g, Repo::GetGroup(c, key));
              catalog = g.catalog();
            }
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  const std::string& assignment =
      kind == Kind::kPool ? r.booking.assignment() : r.enrolment.assignment();
  WMO_ASSIGN_OR_RETURN(facts, FetchFacts(assignment, catalog));
  const std::string id = NewId();
  entry.set_name(absl::StrCat(ParentName(kind, key), "/waitlist/", id));
  r.waitlist_entry = entry.name();
  entry.set_create_time(server::Timestamp(now_()));
  entry.set_update_time(entry.create_time());
  bool booked = false;
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    v1::WaitlistEntry stored = entry;
    std::string made;
    // Made at once when it fits; waits when only capacity is missing.
    bool full = false;
    absl::Status s = Make(c, r, facts, &made, nullptr, nullptr, &full);
    booked = s.ok() && kind == Kind::kPool;
    if (s.ok()) {
      stored.set_state(v1::WaitlistEntry::FULFILLED);
      stored.set_fulfilled_by(made);
    } else {
      if (!full) return s;
      stored.set_state(v1::WaitlistEntry::WAITING);
    }
    if (absl::Status w = Repo::InsertWaitlistEntry(c, kind, key, id, stored);
        !w.ok()) {
      return w;
    }
    if (absl::Status w =
            AuditChange(c, caller, "JoinWaitlist", v1::WaitlistEntry(), stored);
        !w.ok()) {
      return w;
    }
    *response = std::move(stored);
    return response->name();
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first,
                         Repo::GetWaitlistEntry(c, kind, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  absl::Status status = db_.Transaction([&](store::Connection& c) {
    booked = false;
    return store::CreateOnce(c, *once, create, replay);
  });
  // Counted once the transaction is in, not on each rerun of it.
  if (status.ok() && booked) CountBooking("booked");
  return status;
}

absl::Status CapacityApi::ListWaitlist(const auth::Principal& caller,
                                       const v1::ListWaitlistRequest& request,
                                       v1::ListWaitlistResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list waitlists");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(request.parent(), "parent"));
  WMO_ASSIGN_OR_RETURN(
      page, server::ParsePage(request.page_size(), request.page_token()));
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(rows,
                             Repo::ListWaitlist(c, parent.first, parent.second,
                                                page.offset, page.size + 1));
        response->Clear();
        Page(rows, page, response->mutable_entries(),
             response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/waitlist"),
                           "ListWaitlist", NamesOf(response->entries()));
}

absl::Status CapacityApi::LeaveWaitlist(const auth::Principal& caller,
                                        const v1::LeaveWaitlistRequest& request,
                                        v1::WaitlistEntry* response) {
  if (absl::Status s = RequireProviderOf(caller, request.name(),
                                         "take clients off waitlists");
      !s.ok()) {
    return s;
  }
  const std::string& name = request.name();
  const size_t cut = name.rfind("/waitlist/");
  if (cut == std::string::npos) {
    return Malformed(
        {Violation("CP-FORMAT", "", "name",
                   "give a waitlist entry, {pool or group}/waitlist/{id}")});
  }
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(name.substr(0, cut), "name"));
  const std::string id = name.substr(cut + 10);
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        entry, Repo::GetWaitlistEntry(c, parent.first, parent.second, id));
    if (entry.state() != v1::WaitlistEntry::WAITING) {
      return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                     {Violation("CP-STATE", "", "name",
                                "the entry is not waiting any more")});
    }
    const v1::WaitlistEntry before = entry;
    entry.set_state(v1::WaitlistEntry::LEFT);
    entry.set_update_time(server::Timestamp(now_()));
    if (absl::Status s = Repo::UpdateWaitlistEntry(c, parent.first,
                                                   parent.second, id, entry);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "LeaveWaitlist", before, entry);
        !s.ok()) {
      return s;
    }
    *response = std::move(entry);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------
// Availability and occupancy.

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

}  // namespace

absl::Status CapacityApi::SearchAvailability(
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
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        locations,
        Repo::ListLocations(c, "", request.municipality(), 0, kAllEnrolments));
    std::vector<v1::Availability> found;
    for (v1::Location& l : locations) {
      WMO_ASSIGN_OR_RETURN(key, LocationKey(l.name(), "name"));
      v1::Availability a;
      WMO_ASSIGN_OR_RETURN(pools, Repo::ListPools(c, key, 0, kAllEnrolments));
      for (const v1::BedPool& p : pools) {
        if (!Serves(p.products(), request.catalog(), p.catalog(),
                    request.product()) ||
            (request.wheelchair() && !p.wheelchair_accessible())) {
          continue;
        }
        WMO_ASSIGN_OR_RETURN(pool_key, ChildKey(p.name(), "bedPools", "name"));
        WMO_ASSIGN_OR_RETURN(booked, Repo::BookedPerNight(c, pool_key, range));
        v1::PoolAvailability nights;
        nights.set_pool(p.name());
        nights.set_wheelchair_accessible(p.wheelchair_accessible());
        bool any = false;
        for (rules::Date d = range.from; d <= range.to; ++d) {
          auto it = booked.find(d);
          const int free = p.beds() - (it == booked.end() ? 0 : it->second);
          any = any || free > 0;
          auto* night = nights.add_nights();
          night->set_date(rules::FormatDate(d));
          night->set_free(free);
        }
        if (any) *a.add_pools() = std::move(nights);
      }
      WMO_ASSIGN_OR_RETURN(groups, Repo::ListGroups(c, key, 0, kAllEnrolments));
      for (const v1::Group& g : groups) {
        if (!Serves(g.products(), request.catalog(), g.catalog(),
                    request.product())) {
          continue;
        }
        WMO_ASSIGN_OR_RETURN(group_key, ChildKey(g.name(), "groups", "name"));
        WMO_ASSIGN_OR_RETURN(enrolled, Repo::ListEnrolments(c, group_key, "", 0,
                                                            kAllEnrolments));
        v1::GroupAvailability places = FreePlaces(g, enrolled, range);
        if (std::any_of(places.sessions().begin(), places.sessions().end(),
                        [](const auto& s) { return s.free() > 0; })) {
          *a.add_groups() = std::move(places);
        }
      }
      if (a.pools().empty() && a.groups().empty()) continue;
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

absl::Status CapacityApi::GetOccupancy(const auth::Principal& caller,
                                       const v1::GetOccupancyRequest& request,
                                       v1::Occupancy* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.location(), "read occupancy");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, LocationKey(request.location(), "location"));
  WMO_ASSIGN_OR_RETURN(
      range, Range(request.from_date(), request.to_date(), kMaxOccupancyDays));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    if (auto l = Repo::GetLocation(c, key); !l.ok()) return l.status();
    std::map<rules::Date, v1::OccupancyDay> days;
    for (rules::Date d = range.from; d <= range.to; ++d) {
      days[d].set_date(rules::FormatDate(d));
    }
    WMO_ASSIGN_OR_RETURN(pools, Repo::ListPools(c, key, 0, kAllEnrolments));
    for (const v1::BedPool& p : pools) {
      WMO_ASSIGN_OR_RETURN(pool_key, ChildKey(p.name(), "bedPools", "name"));
      WMO_ASSIGN_OR_RETURN(booked, Repo::BookedPerNight(c, pool_key, range));
      for (auto& [d, day] : days) {
        day.set_beds(day.beds() + p.beds());
        auto it = booked.find(d);
        if (it != booked.end()) {
          day.set_beds_booked(day.beds_booked() + it->second);
        }
      }
    }
    WMO_ASSIGN_OR_RETURN(groups, Repo::ListGroups(c, key, 0, kAllEnrolments));
    for (const v1::Group& g : groups) {
      WMO_ASSIGN_OR_RETURN(group_key, ChildKey(g.name(), "groups", "name"));
      WMO_ASSIGN_OR_RETURN(
          enrolled, Repo::ListEnrolments(c, group_key, "", 0, kAllEnrolments));
      for (auto& [d, day] : days) {
        const int weekday = rules::IsoWeekday(d);
        for (const v1::Session& s : g.sessions()) {
          if (s.weekday() != weekday) continue;
          day.set_places(day.places() + std::max(0, SessionCapacity(g, s)));
          for (const v1::Enrolment& e : enrolled) {
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

absl::Status CapacityApi::ListAuditEntries(
    const auth::Principal& caller,
    const type::v1::ListAuditEntriesRequest& request,
    type::v1::ListAuditEntriesResponse* response) {
  return audit::List(db_, caller, {"providers/*/locations/*"}, request,
                     response);
}

}  // namespace wmo::capacity
