#ifndef WMO_SERVICES_CAPACITY_PLACEMENT_RULES_H_
#define WMO_SERVICES_CAPACITY_PLACEMENT_RULES_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "libs/rules/dates.h"
#include "services/capacity/capacity_rules.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/capacity/v1/capacity.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::capacity {

// Where a booking or an enrolment goes, as pure functions over facts the
// capacity service loads in one read of its store: the plan says which
// rules it breaks, whether only free capacity is missing, and which bed or
// sessions it takes. The service then writes the plan, with the unique
// keys of bed-nights and client-nights as the last guard.

// What a request would take.
struct Plan {
  // Rules it breaks whatever the free capacity.
  Violations refusals;
  // No free bed or place: the request may wait on the waitlist.
  Violations full;
  // Guidelines: reported, not refused.
  Violations notices;
  // The bed of a stay (1 …); 0 when none is free.
  int bed = 0;
  // The indices of an enrolment's sessions in its group.
  std::vector<int> sessions;
};

// What the assignment and the catalog say of the client, from the other
// services; null pointers where they have nothing.
struct Entitlement {
  const wmo::assignment::v1::Assignment* assignment = nullptr;
  // The catalog version the assignment was made under; null with `problem`.
  const wmo::catalog::v1::Catalog* catalog = nullptr;
  std::string problem;
  // The assignment's product in that catalog.
  const wmo::catalog::v1::Product* product = nullptr;
};

// A stay in a bed pool and what the store holds around it.
struct StayFacts {
  Entitlement entitlement;
  v1::BedPool pool;
  std::string provider;
  std::string client_bsn;
  rules::Period nights;
  // Another booking of the client on one of the nights (CP-CLIENT-NIGHT).
  bool client_busy = false;
  // The client's booked nights of the product in any pool, from six weeks
  // before the first calendar year the stay touches to six weeks after the
  // last (yearly and weekly caps, stays).
  std::set<rules::Date> client_nights;
  // Nights booked on the assignment (CP-VOLUME).
  std::set<rules::Date> assignment_nights;
  // The nights each bed of the pool is taken.
  std::map<int, std::set<rules::Date>> taken_beds;
};

// Entitlement, age, the client's other nights, the catalog's caps (only
// once the rest holds), the assignment's volume and a free bed.
Plan PlanStay(const StayFacts& facts);

// An enrolment in a group and what the store holds around it.
struct EnrolmentFacts {
  Entitlement entitlement;
  v1::Group group;
  std::string provider;
  v1::Enrolment enrolment;
  rules::Period days;
  // The client's enrolments in every group.
  std::vector<v1::Enrolment> client_enrolments;
  // Every enrolment of the group.
  std::vector<v1::Enrolment> group_enrolments;
};

// Sessions of the group, entitlement, age, the client's other sessions,
// the assignment's extent (once the rest holds) and room in each session.
Plan PlanEnrolment(const EnrolmentFacts& facts);

// The nights booked on an assignment per calendar month and in all must fit
// what its extent allows, as a declaration of them would have to (TR321,
// TR322): CP-VOLUME. `booked` are the nights booked before, `nights` the
// new ones.
Violations CheckBookedVolume(const wmo::assignment::v1::Assignment& assignment,
                             const std::set<rules::Date>& booked,
                             const rules::Period& nights);

// The client is enrolled at a wanted weekday and day part already, in a
// period overlapping `days` (CP-CLIENT-SESSION): one violation per such
// enrolment.
Violations CheckSessionClash(const v1::Enrolment& wanted,
                             const rules::Period& days,
                             const std::vector<v1::Enrolment>& client);

// Room in each wanted session: `peaks` and `lows` are the most and fewest
// clients in it on any day, the new one counted. Over capacity is `full`,
// under the catalog's rule when the catalog's bound is what binds and
// CP-SIZE when the group's own stricter bound does; under the minimum size
// is a notice.
void CheckSessionRoom(const v1::Group& group, const GroupBounds& bounds,
                      const std::vector<int>& sessions,
                      const std::vector<int>& peaks,
                      const std::vector<int>& lows, Plan& plan);

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_PLACEMENT_RULES_H_
