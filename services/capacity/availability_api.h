#ifndef WMO_SERVICES_CAPACITY_AVAILABILITY_API_H_
#define WMO_SERVICES_CAPACITY_AVAILABILITY_API_H_

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "libs/store/store.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

namespace wmo::capacity {

// The read model of free capacity: free beds and places across providers
// (nearest first) and the occupancy of one location. Each answer reads the
// locations, their pools and groups, the booked nights and the enrolments
// in one statement each, however many sites there are.
class AvailabilityApi {
 public:
  explicit AvailabilityApi(store::Database& db) : db_(db) {}

  absl::Status SearchAvailability(const auth::Principal& caller,
                                  const v1::SearchAvailabilityRequest& request,
                                  v1::SearchAvailabilityResponse* response);
  absl::Status GetOccupancy(const auth::Principal& caller,
                            const v1::GetOccupancyRequest& request,
                            v1::Occupancy* response);

 private:
  store::Database& db_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_AVAILABILITY_API_H_
