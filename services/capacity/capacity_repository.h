#ifndef WMO_SERVICES_CAPACITY_CAPACITY_REPOSITORY_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_REPOSITORY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/rules/dates.h"
#include "libs/store/store.h"
#include "wmo/capacity/v1/capacity.pb.h"

namespace wmo::capacity {

// Where a resource sits: provider and location, and for groups, pools and
// what hangs under them, their own id.
struct SiteKey {
  std::string provider;
  std::string location;
  // Group or pool id; "" for the location itself.
  std::string id;
};

// The capacity service's tables. Resources are stored whole as protobuf
// bytes beside the columns they are looked up by. Bookings hold one row per
// bed and night and one per client and night under unique keys, so a
// bed-night or a client-night is never booked twice, whatever the checks
// before the insert saw. Functions run on a connection so that a check and
// its write share one transaction.
class CapacityRepository {
 public:
  static absl::Span<const store::Migration> Migrations();

  // Kinds of sites, by their collection in resource names.
  enum class Kind { kLocation, kGroup, kPool };

  // Locations, groups and pools. Insert: ALREADY_EXISTS for an id in use.
  // Get: NOT_FOUND when absent.
  static absl::Status InsertLocation(store::Connection& c, const SiteKey& key,
                                     const v1::Location& location);
  static absl::Status UpdateLocation(store::Connection& c, const SiteKey& key,
                                     const v1::Location& location);
  static absl::StatusOr<v1::Location> GetLocation(store::Connection& c,
                                                  const SiteKey& key);
  // A provider's locations by id; or, with an empty provider, every
  // location of `municipality` ("" for all).
  static absl::StatusOr<std::vector<v1::Location>> ListLocations(
      store::Connection& c, const std::string& provider,
      const std::string& municipality, size_t offset, size_t limit);

  static absl::Status InsertGroup(store::Connection& c, const SiteKey& key,
                                  const v1::Group& group);
  static absl::Status UpdateGroup(store::Connection& c, const SiteKey& key,
                                  const v1::Group& group);
  static absl::StatusOr<v1::Group> GetGroup(store::Connection& c,
                                            const SiteKey& key);
  static absl::StatusOr<std::vector<v1::Group>> ListGroups(
      store::Connection& c, const SiteKey& location, size_t offset,
      size_t limit);

  static absl::Status InsertPool(store::Connection& c, const SiteKey& key,
                                 const v1::BedPool& pool);
  static absl::Status UpdatePool(store::Connection& c, const SiteKey& key,
                                 const v1::BedPool& pool);
  static absl::StatusOr<v1::BedPool> GetPool(store::Connection& c,
                                             const SiteKey& key);
  static absl::StatusOr<std::vector<v1::BedPool>> ListPools(
      store::Connection& c, const SiteKey& location, size_t offset,
      size_t limit);

  // Deletes a location, group or pool row.
  static absl::Status DeleteSite(store::Connection& c, Kind kind,
                                 const SiteKey& key);
  // Which locations a batched read covers: each field that is not empty
  // must match.
  struct LocationFilter {
    std::string provider;
    std::string location;
    std::string municipality;
  };
  // A pool or group as (provider, location, id): the key of batched reads.
  using SiteId = std::tuple<std::string, std::string, std::string>;
  // The groups, or the pools, at the locations `filter` covers, in one
  // statement each.
  static absl::StatusOr<std::vector<v1::Group>> GroupsAt(
      store::Connection& c, const LocationFilter& filter);
  static absl::StatusOr<std::vector<v1::BedPool>> PoolsAt(
      store::Connection& c, const LocationFilter& filter);
  // Beds booked per night of `nights` in every pool at those locations.
  static absl::StatusOr<std::map<SiteId, std::map<rules::Date, int>>>
  BookedPerNightAt(store::Connection& c, const LocationFilter& filter,
                   const rules::Period& nights);
  // The enrolments of every group at those locations that overlap `days`.
  static absl::StatusOr<std::map<SiteId, std::vector<v1::Enrolment>>>
  EnrolmentsAt(store::Connection& c, const LocationFilter& filter,
               const rules::Period& days);

  // How many groups and pools a location has.
  static absl::StatusOr<int64_t> CountChildren(store::Connection& c,
                                               const SiteKey& location);

  // Bookings.
  static absl::Status InsertBooking(store::Connection& c, const SiteKey& pool,
                                    const std::string& id,
                                    const std::string& assignment,
                                    const std::string& catalog,
                                    const std::string& product,
                                    const v1::Booking& booking);
  static absl::Status UpdateBooking(store::Connection& c, const SiteKey& pool,
                                    const std::string& id,
                                    const v1::Booking& booking);
  static absl::StatusOr<v1::Booking> GetBooking(store::Connection& c,
                                                const SiteKey& pool,
                                                const std::string& id);
  // `assignment_prefix` ("municipalities/0988/"): only bookings on the
  // assignments it begins; "" for all.
  static absl::StatusOr<std::vector<v1::Booking>> ListBookings(
      store::Connection& c, const SiteKey& pool, const std::string& from,
      const std::string& to, bool show_cancelled,
      const std::string& assignment_prefix, const std::string& after,
      size_t limit);
  // Bed-nights taken in the pool within `nights`, by bed.
  static absl::StatusOr<std::map<int, std::set<rules::Date>>> TakenBeds(
      store::Connection& c, const SiteKey& pool, const rules::Period& nights);
  // Booked beds per night of the pool within `nights`.
  static absl::StatusOr<std::map<rules::Date, int>> BookedPerNight(
      store::Connection& c, const SiteKey& pool, const rules::Period& nights);
  // The client's booked nights of a catalog product within `window`.
  static absl::StatusOr<std::set<rules::Date>> ClientNights(
      store::Connection& c, const std::string& bsn, const std::string& catalog,
      const std::string& product, const rules::Period& window);
  // Whether the client has any booking on a night of `nights`.
  static absl::StatusOr<bool> ClientBusy(store::Connection& c,
                                         const std::string& bsn,
                                         const rules::Period& nights);
  // Nights booked on an assignment ("municipalities/{m}/assignments/{n}").
  static absl::StatusOr<std::set<rules::Date>> AssignmentNights(
      store::Connection& c, const std::string& assignment);
  // Claims the bed-nights and client-nights of a booking; ALREADY_EXISTS
  // when one is taken.
  static absl::Status ClaimNights(store::Connection& c, const SiteKey& pool,
                                  const std::string& id, int bed,
                                  const std::string& bsn,
                                  const std::string& assignment,
                                  const std::string& catalog,
                                  const std::string& product,
                                  const rules::Period& nights);
  static absl::Status ReleaseNights(store::Connection& c, const SiteKey& pool,
                                    const std::string& id);

  // Enrolments.
  static absl::Status InsertEnrolment(store::Connection& c,
                                      const SiteKey& group,
                                      const std::string& id,
                                      const v1::Enrolment& enrolment);
  static absl::Status UpdateEnrolment(store::Connection& c,
                                      const SiteKey& group,
                                      const std::string& id,
                                      const v1::Enrolment& enrolment);
  static absl::StatusOr<v1::Enrolment> GetEnrolment(store::Connection& c,
                                                    const SiteKey& group,
                                                    const std::string& id);
  // The group's enrolments; with `active_on` only those running that day.
  static absl::StatusOr<std::vector<v1::Enrolment>> ListEnrolments(
      store::Connection& c, const SiteKey& group, const std::string& active_on,
      const std::string& after, size_t limit);

  // Deletes every enrolment of a group.
  static absl::Status DeleteEnrolments(store::Connection& c,
                                       const SiteKey& group);
  // Deletes the waitlist of a pool or group.
  static absl::Status DeleteWaitlist(store::Connection& c, Kind kind,
                                     const SiteKey& parent);

  // The client's enrolments in every group.
  static absl::StatusOr<std::vector<v1::Enrolment>> ClientEnrolments(
      store::Connection& c, const std::string& bsn);

  // Waitlists of pools (Kind::kPool) and groups (Kind::kGroup), in the
  // order entries joined.
  static absl::Status InsertWaitlistEntry(store::Connection& c, Kind kind,
                                          const SiteKey& parent,
                                          const std::string& id,
                                          const v1::WaitlistEntry& entry);
  static absl::Status UpdateWaitlistEntry(store::Connection& c, Kind kind,
                                          const SiteKey& parent,
                                          const std::string& id,
                                          const v1::WaitlistEntry& entry);
  static absl::StatusOr<v1::WaitlistEntry> GetWaitlistEntry(
      store::Connection& c, Kind kind, const SiteKey& parent,
      const std::string& id);
  // Waiting entries first (in order), then the others.
  static absl::StatusOr<std::vector<v1::WaitlistEntry>> ListWaitlist(
      store::Connection& c, Kind kind, const SiteKey& parent, size_t offset,
      size_t limit);
  // Waiting entries of every pool (Kind::kPool) or group (Kind::kGroup).
  static absl::StatusOr<int64_t> CountWaiting(store::Connection& c, Kind kind);

  // Beds and beds booked for the night starting on `night`, per location
  // name ("providers/{agb}/locations/{location}") that has pools.
  struct Beds {
    int64_t beds = 0;
    int64_t booked = 0;
  };
  static absl::StatusOr<std::map<std::string, Beds>> BedsOn(
      store::Connection& c, rules::Date night);
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_REPOSITORY_H_
