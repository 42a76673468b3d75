#ifndef WMO_SERVICES_CAPACITY_CAPACITY_API_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_API_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_source.h"
#include "services/capacity/capacity_repository.h"
#include "services/catalog/catalog_source.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace wmo::capacity {

// The capacity service's operations without gRPC. Every booking and
// enrolment is checked and written in one store transaction: the client's
// entitlement (fetched from the assignment service before), the catalog's
// caps over all the client's bookings, and free capacity; bed-nights and
// client-nights are unique keys, so two bookings never share a bed-night
// even when their checks ran at once. Freed capacity goes to the waitlist
// in the transaction that frees it.
class CapacityApi {
 public:
  // `registry` may be null (no metrics); `now` says which day it is.
  CapacityApi(store::Database& db, assignment::AssignmentSource& assignments,
              catalog::CatalogSource& catalogs, prometheus::Registry* registry,
              server::Clock now = absl::Now);

  absl::Status CreateLocation(const auth::Principal& caller,
                              const v1::CreateLocationRequest& request,
                              v1::Location* response);
  absl::Status GetLocation(const auth::Principal& caller,
                           const v1::GetLocationRequest& request,
                           v1::Location* response);
  absl::Status ListLocations(const auth::Principal& caller,
                             const v1::ListLocationsRequest& request,
                             v1::ListLocationsResponse* response);
  absl::Status UpdateLocation(const auth::Principal& caller,
                              const v1::UpdateLocationRequest& request,
                              v1::Location* response);
  absl::Status DeleteLocation(const auth::Principal& caller,
                              const v1::DeleteLocationRequest& request);

  absl::Status CreateGroup(const auth::Principal& caller,
                           const v1::CreateGroupRequest& request,
                           v1::Group* response);
  absl::Status GetGroup(const auth::Principal& caller,
                        const v1::GetGroupRequest& request,
                        v1::Group* response);
  absl::Status ListGroups(const auth::Principal& caller,
                          const v1::ListGroupsRequest& request,
                          v1::ListGroupsResponse* response);
  absl::Status UpdateGroup(const auth::Principal& caller,
                           const v1::UpdateGroupRequest& request,
                           v1::Group* response);
  absl::Status DeleteGroup(const auth::Principal& caller,
                           const v1::DeleteGroupRequest& request);

  absl::Status CreateBedPool(const auth::Principal& caller,
                             const v1::CreateBedPoolRequest& request,
                             v1::BedPool* response);
  absl::Status GetBedPool(const auth::Principal& caller,
                          const v1::GetBedPoolRequest& request,
                          v1::BedPool* response);
  absl::Status ListBedPools(const auth::Principal& caller,
                            const v1::ListBedPoolsRequest& request,
                            v1::ListBedPoolsResponse* response);
  absl::Status UpdateBedPool(const auth::Principal& caller,
                             const v1::UpdateBedPoolRequest& request,
                             v1::BedPool* response);
  absl::Status DeleteBedPool(const auth::Principal& caller,
                             const v1::DeleteBedPoolRequest& request);

  absl::Status CreateEnrolment(const auth::Principal& caller,
                               const v1::CreateEnrolmentRequest& request,
                               v1::Enrolment* response);
  absl::Status EndEnrolment(const auth::Principal& caller,
                            const v1::EndEnrolmentRequest& request,
                            v1::Enrolment* response);
  absl::Status ListEnrolments(const auth::Principal& caller,
                              const v1::ListEnrolmentsRequest& request,
                              v1::ListEnrolmentsResponse* response);

  absl::Status CreateBooking(const auth::Principal& caller,
                             const v1::CreateBookingRequest& request,
                             v1::Booking* response);
  absl::Status CancelBooking(const auth::Principal& caller,
                             const v1::CancelBookingRequest& request,
                             v1::Booking* response);
  absl::Status ListBookings(const auth::Principal& caller,
                            const v1::ListBookingsRequest& request,
                            v1::ListBookingsResponse* response);

  absl::Status SearchAvailability(const auth::Principal& caller,
                                  const v1::SearchAvailabilityRequest& request,
                                  v1::SearchAvailabilityResponse* response);
  absl::Status GetOccupancy(const auth::Principal& caller,
                            const v1::GetOccupancyRequest& request,
                            v1::Occupancy* response);

  absl::Status JoinWaitlist(const auth::Principal& caller,
                            const v1::JoinWaitlistRequest& request,
                            v1::WaitlistEntry* response);
  absl::Status ListWaitlist(const auth::Principal& caller,
                            const v1::ListWaitlistRequest& request,
                            v1::ListWaitlistResponse* response);
  absl::Status LeaveWaitlist(const auth::Principal& caller,
                             const v1::LeaveWaitlistRequest& request,
                             v1::WaitlistEntry* response);

  // The audit trail (libs/audit).
  absl::Status ListAuditEntries(
      const auth::Principal& caller,
      const type::v1::ListAuditEntriesRequest& request,
      type::v1::ListAuditEntriesResponse* response);

 private:
  struct Facts;
  struct Request;

  // The assignment and catalog facts a booking or enrolment request needs,
  // fetched before its transaction.
  absl::StatusOr<Facts> FetchFacts(const std::string& assignment,
                                   const std::string& catalog);
  // Checks a request and makes it within transaction `c`, setting `made`
  // to the booking's or enrolment's name and filling whichever of
  // `booking` and `enrolment` is not null. FAILED_PRECONDITION with every
  // violation when it breaks a rule; when only free capacity is missing
  // (CP-FULL, group size, staff ratio) also `*full` becomes true. What it
  // makes is in the audit trail under the request's caller and operation.
  absl::Status Make(store::Connection& c, const Request& request,
                    const Facts& facts, std::string* made, v1::Booking* booking,
                    v1::Enrolment* enrolment, bool* full);
  // Offers freed capacity of a pool or group to its waiting entries.
  absl::Status Promote(store::Connection& c, const auth::Principal& caller,
                       CapacityRepository::Kind kind, const SiteKey& parent,
                       const std::map<std::string, Facts>& facts);
  // Facts of every waiting entry of a pool or group, fetched before the
  // transaction that frees capacity.
  absl::StatusOr<std::map<std::string, Facts>> WaitingFacts(
      CapacityRepository::Kind kind, const SiteKey& parent);
  // FAILED_PRECONDITION (CP-IN-USE) when `group`, as changed, drops a
  // session that running enrolments use or holds fewer than are enrolled.
  absl::Status CheckStillFits(store::Connection& c, const SiteKey& key,
                              const v1::Group& group);
  void CountBooking(const std::string& outcome);

  store::Database& db_;
  assignment::AssignmentSource& assignments_;
  catalog::CatalogSource& catalogs_;
  const server::Clock now_;
  prometheus::Family<prometheus::Counter>* bookings_ = nullptr;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_API_H_
