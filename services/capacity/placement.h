#ifndef WMO_SERVICES_CAPACITY_PLACEMENT_H_
#define WMO_SERVICES_CAPACITY_PLACEMENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_source.h"
#include "services/capacity/capacity_common.h"
#include "services/catalog/catalog_source.h"
#include "wmo/capacity/v1/capacity.pb.h"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace wmo::capacity {

// Bookings and enrolments made, and waitlists served, in one shape: what
// the assignment and catalog services say is fetched before the store
// transaction (FetchFacts); in it, every fact of the store is read at once,
// a pure function plans the request (placement_rules.h), and the plan is
// written. Bed-nights and client-nights are unique keys, so two bookings
// never share a bed-night even when their plans were made at once.
class Placement {
 public:
  // `registry` may be null (no metrics).
  Placement(store::Database& db, assignment::AssignmentSource& assignments,
            catalog::CatalogSource& catalogs, prometheus::Registry* registry,
            server::Clock now);

  // What a request needs from the other services.
  struct Facts {
    // Nothing when the assignment does not exist.
    std::optional<wmo::assignment::v1::Assignment> assignment;
    // The catalog version the assignment was made under; null with
    // `problem`.
    std::shared_ptr<const wmo::catalog::v1::Catalog> catalog;
    std::string problem;
  };

  // A booking in a pool or an enrolment in a group, as asked.
  struct Request {
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

  // The facts of `assignment` under the catalog `catalog` a pool or group
  // serves.
  absl::StatusOr<Facts> FetchFacts(const std::string& assignment,
                                   const std::string& catalog);

  // Plans the request and writes it within transaction `c`, setting `made`
  // to the booking's or enrolment's name and filling whichever of `booking`
  // and `enrolment` is not null. FAILED_PRECONDITION with every violation
  // when it breaks a rule; when only free capacity is missing (CP-FULL,
  // group size, staff ratio) also `*full` becomes true. What it makes is in
  // the audit trail under the request's caller and operation.
  absl::Status Make(store::Connection& c, const Request& request,
                    const Facts& facts, std::string* made, v1::Booking* booking,
                    v1::Enrolment* enrolment, bool* full);

  // Facts of every waiting entry of a pool or group, fetched before the
  // transaction that frees capacity.
  absl::StatusOr<std::map<std::string, Facts>> WaitingFacts(
      Kind kind, const SiteKey& parent);
  // Offers freed capacity of a pool or group to its waiting entries, in
  // order.
  absl::Status Promote(store::Connection& c, const auth::Principal& caller,
                       Kind kind, const SiteKey& parent,
                       const std::map<std::string, Facts>& facts);

  // Counts a booking's outcome: booked, full, refused.
  void CountBooking(const std::string& outcome);

  store::Database& db() { return db_; }
  const server::Clock& clock() const { return now_; }

 private:
  store::Database& db_;
  assignment::AssignmentSource& assignments_;
  catalog::CatalogSource& catalogs_;
  const server::Clock now_;
  prometheus::Family<prometheus::Counter>* bookings_ = nullptr;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_PLACEMENT_H_
