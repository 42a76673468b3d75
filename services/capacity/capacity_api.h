#ifndef WMO_SERVICES_CAPACITY_CAPACITY_API_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_API_H_

#include "absl/time/clock.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_source.h"
#include "services/capacity/availability_api.h"
#include "services/capacity/booking_api.h"
#include "services/capacity/enrolment_api.h"
#include "services/capacity/placement.h"
#include "services/capacity/site_api.h"
#include "services/catalog/catalog_source.h"

namespace wmo::capacity {

// The capacity service's operations without gRPC, in four parts over one
// store: sites (locations, groups, bed pools), bookings and waitlists,
// enrolments, and the availability read model. Bookings, enrolments and
// waitlists share one Placement: facts fetched, a pure plan, one write.
class CapacityApi {
 public:
  // `registry` may be null (no metrics); `now` says which day it is.
  CapacityApi(store::Database& db, assignment::AssignmentSource& assignments,
              catalog::CatalogSource& catalogs, prometheus::Registry* registry,
              const server::Clock& now = absl::Now)
      : placement_(db, assignments, catalogs, registry, now),
        sites_(db, catalogs, now),
        bookings_(placement_),
        enrolments_(placement_),
        availability_(db) {}

  SiteApi& sites() { return sites_; }
  BookingApi& bookings() { return bookings_; }
  EnrolmentApi& enrolments() { return enrolments_; }
  AvailabilityApi& availability() { return availability_; }

 private:
  Placement placement_;
  SiteApi sites_;
  BookingApi bookings_;
  EnrolmentApi enrolments_;
  AvailabilityApi availability_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_API_H_
