#ifndef WMO_SERVICES_CAPACITY_CAPACITY_COMMON_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_COMMON_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "libs/audit/audit.h"
#include "libs/auth/principal.h"
#include "libs/rules/dates.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/store/request_ids.h"
#include "libs/store/store.h"
#include "services/capacity/capacity_repository.h"
#include "services/capacity/capacity_rules.h"
#include "wmo/capacity/v1/capacity.pb.h"

namespace wmo::capacity {

// What the parts of the capacity service share: names and keys of its
// resources, who may act on them, errors, etags, update masks, paging and
// audit entries.

using Repo = CapacityRepository;
using Kind = CapacityRepository::Kind;

inline constexpr int kMaxNights = 366;
inline constexpr int kMaxSearchDays = 92;
inline constexpr int kMaxOccupancyDays = 366;
// Existing enrolments of one group read for a capacity check.
inline constexpr size_t kAllEnrolments = 100000;
// A location's groups and pools, all at once.
inline constexpr size_t kAllChildren = 100000;

// A new random id for a booking, enrolment or waitlist entry.
std::string NewId();

absl::Status Refused(absl::StatusCode code, absl::string_view summary,
                     const Violations& violations);
// INVALID_ARGUMENT carrying `violations`.
absl::Status Malformed(const Violations& violations);
// An id a caller chooses: 1 to 40 of a-z, 0-9 and -.
absl::Status CheckId(const std::string& id, const std::string& field);
absl::Status IdInUse(absl::string_view what, const std::string& name);

// The id of a child resource: the last segment of its name.
std::string IdOf(absl::string_view name);
absl::StatusOr<SiteKey> LocationKey(const std::string& name,
                                    const std::string& field);
// A group or pool: "providers/*/locations/*/<collection>/*".
absl::StatusOr<SiteKey> ChildKey(const std::string& name,
                                 const std::string& collection,
                                 const std::string& field);
std::string LocationName(const SiteKey& k);
std::string GroupName(const SiteKey& k);
std::string PoolName(const SiteKey& k);
std::string ParentName(Kind kind, const SiteKey& k);
// A pool or group named by `name`, with its kind.
absl::StatusOr<std::pair<Kind, SiteKey>> WaitlistParent(
    const std::string& name, const std::string& field);

// A waitlist entry ".../bedPools/{pool}/waitlistEntries/{id}" or
// ".../groups/{group}/waitlistEntries/{id}": its pool or group and id.
struct WaitlistEntryKey {
  Kind kind;
  SiteKey parent;
  std::string id;
};
absl::StatusOr<WaitlistEntryKey> ParseWaitlistEntry(const std::string& name,
                                                    const std::string& field);

// The catalog the pool or group `parent` serves, read on its own (before a
// transaction that needs the catalog's rules).
absl::StatusOr<std::string> SiteCatalog(store::Database& db, Kind kind,
                                        const SiteKey& parent);

// For a municipality: the prefix of its assignments' names, which its
// clients' bookings and enrolments name; "" for anyone else.
std::string ClientsOf(const auth::Principal& caller);
// Acting for the provider that owns `resource` ("providers/{agb}/..."): its
// sites, bookings, enrolments and waitlists are its own. INVALID_ARGUMENT
// for a resource in no provider.
absl::Status RequireProviderOf(const auth::Principal& caller,
                               absl::string_view resource,
                               absl::string_view verb);

// Reading a booking or enrolment: its provider, or the municipality whose
// assignment it is on (its own client's).
absl::Status RequireProviderOrClientsMunicipality(const auth::Principal& caller,
                                                  const SiteKey& site,
                                                  const std::string& assignment,
                                                  absl::string_view verb);

// Records that the waitlist of a pool or group goes, entry by entry.
absl::Status AuditWaitlistGone(store::Connection& c,
                               const auth::Principal& caller,
                               absl::string_view operation, Kind kind,
                               const SiteKey& parent);

// The first and last day a request asks for: nights of a stay (`b`), days
// of an enrolment (`e`). INVALID_ARGUMENT with every format violation.
absl::StatusOr<rules::Period> RequestedDays(const v1::Booking* b,
                                            const v1::Enrolment* e);

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

// Fills a list response from `rows` read with one row more than the page
// (that row only says that another page follows); by offset.
template <typename T>
void Page(std::vector<T>& rows, const server::Page& page,
          google::protobuf::RepeatedPtrField<T>* out, std::string* token) {
  for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
    *out->Add() = std::move(rows[i]);
  }
  *token = server::NextPageToken(
      page, rows.size() > page.size ? page.offset + page.size + 1 : 0);
}

// A booking's or enrolment's place in its list: "{first day}/{id}", which
// orders as the repository's (date, id).
std::string KeyOf(const v1::Booking& b);
std::string KeyOf(const v1::Enrolment& e);

// The same by key: the next page starts after the last row's KeyOf.
template <typename T>
void PageByKey(std::vector<T>& rows, const server::Page& page,
               google::protobuf::RepeatedPtrField<T>* out, std::string* token) {
  for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
    *out->Add() = std::move(rows[i]);
  }
  *token = server::NextPageTokenAfter(
      page, out->empty() ? "" : KeyOf(*out->rbegin()), rows.size() > page.size);
}

// The rows of a page taken from all `rows` of a parent in key order,
// keeping those under the assignments named by `prefix`: what PageByKey
// expects (one more than the page when another follows).
template <typename T>
std::vector<T> OnlyUnder(std::vector<T> rows, const std::string& prefix,
                         const server::Page& page) {
  std::vector<T> kept;
  for (T& row : rows) {
    if (!absl::StartsWith(row.assignment(), prefix)) continue;
    if (!page.after.empty() && KeyOf(row) <= page.after) continue;
    kept.push_back(std::move(row));
    if (kept.size() > page.size) break;
  }
  return kept;
}

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

// The names of the resources a list answers with, for the audit of a read.
template <typename Resources>
std::vector<std::string> NamesOf(const Resources& resources) {
  std::vector<std::string> names;
  names.reserve(resources.size());
  for (const auto& r : resources) names.push_back(r.name());
  return names;
}

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_COMMON_H_
