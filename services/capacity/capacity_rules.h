#ifndef WMO_SERVICES_CAPACITY_CAPACITY_RULES_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/rules/dates.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/capacity/v1/capacity.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::capacity {

// The capacity service's rules over its messages and the catalog, as pure
// functions: no store, no RPC. Each returns every violation it finds with
// its rule id (S… from the catalog, CP-… the service's own), the field and
// what to change. The counting rules (free beds, stays, session peaks) are
// in libs/rules/capacity.h.

using Violations = std::vector<wmo::type::v1::RuleViolation>;

// A location: display name, 4-digit municipality, a Dutch postcode.
Violations CheckLocation(const v1::Location& location);

// The size and staffing a group product allows, from its catalog entry:
// the strictest over the group's products. 0 means no bound.
struct GroupBounds {
  int min_size = 0;
  int max_size = 0;
  int max_clients_per_staff = 0;
  // The rule the bounds come from (S0-02, S1-02, …), "CP-SIZE" when the
  // catalog sets none.
  std::string rule_id = "CP-SIZE";
};
GroupBounds CatalogBounds(const wmo::catalog::v1::Catalog& catalog,
                          const v1::Group& group);

// A group: products of the catalog delivered in groups; bounds no looser
// than the catalog's; sessions with a weekday, a day part and staff, each
// once.
Violations CheckGroup(const v1::Group& group,
                      const wmo::catalog::v1::Catalog& catalog);

// The group with the catalog's bounds filled in where it sets none. It takes
// the catalog, not the bounds, so that no caller can compute the bounds from
// a group it has already moved into the argument.
v1::Group WithCatalogBounds(v1::Group group,
                            const wmo::catalog::v1::Catalog& catalog);

// CP-SIZE: a group with its catalog's bounds filled in (WithCatalogBounds)
// still holds at most some number of clients: where the catalog sets no
// size, the provider gives max_size.
Violations CheckBounded(const v1::Group& group);

// How many clients one session may hold: the maximum size and staff x
// clients per staff, whichever is smaller; -1 when unbounded.
int SessionCapacity(const v1::Group& group, const v1::Session& session);

// A bed pool: short-stay products of the catalog, at least one bed.
Violations CheckPool(const v1::BedPool& pool,
                     const wmo::catalog::v1::Catalog& catalog);

// Whether `provider` is contracted for each of `products` on `on`
// (CP-CONTRACT): a group or pool serves only what its provider delivers.
Violations CheckContracted(
    const wmo::catalog::v1::Catalog& catalog, const std::string& provider,
    const google::protobuf::RepeatedPtrField<std::string>& products,
    rules::Date on);

// A group or pool serves the catalog of its location's municipality only
// (CP-REGION): care in Weert is assigned under Weert's regional catalog.
Violations CheckServesLocation(const wmo::catalog::v1::Catalog& catalog,
                               const v1::Location& location);

// A location moving to another municipality keeps its groups and pools
// only when every catalog they serve (`catalogs`) serves `moved` too
// (CP-REGION); one violation per catalog that does not.
Violations CheckMoveKeepsRegion(
    const std::vector<const wmo::catalog::v1::Catalog*>& catalogs,
    const v1::Location& moved);

// INVALID_ARGUMENT when every violation is a format (CP-FORMAT), else
// FAILED_PRECONDITION, carrying them all.
absl::Status Refusal(const Violations& violations);

// Whether the assignment entitles the client to `needed` days of one of
// `products` of `catalog` at `provider` (CP-ASSIGNMENT): it exists, is not
// deleted, is the client's, is the provider's, names one of the products
// and covers every day. `assignment` is nullptr when it does not exist.
Violations CheckEntitlement(
    const wmo::assignment::v1::Assignment* assignment,
    const std::string& client_bsn, const std::string& provider,
    const std::string& catalog,
    const google::protobuf::RepeatedPtrField<std::string>& products,
    const rules::Period& needed);

// The product's age bounds on every day of `days` (S0-03, S4-06), with
// the client's birth date and activities from the assignment; a refusal
// points at `first_field` (the first night or day) when the client is too
// young then, else at `field` (the last).
Violations CheckAgeOnEveryDay(const wmo::assignment::v1::Assignment& assignment,
                              const wmo::catalog::v1::Product& product,
                              const rules::Period& days,
                              const std::string& first_field,
                              const std::string& field);

// The index of each slot among the group's sessions; a slot that is not
// one of them, or named twice, is a violation (CP-SESSION).
std::vector<int> SessionIndices(const v1::Group& group,
                                const v1::Enrolment& enrolment,
                                Violations& violations);

// A client's weekly sessions between two dates, for the extent check.
struct SessionDays {
  rules::Period period;
  // ISO weekday (Monday 1) of each weekly session.
  std::vector<int> weekdays;
};

// Whether the assignment's extent allows every session the client is
// enrolled in on it (CP-EXTENT): `enrolled` holds the enrolments on the
// assignment, the new one included. Counted per calendar month touched by
// `period` (the new enrolment) and over all of it, as a declaration of them
// would be (TR321, TR322): day parts and sessions count one each, hours
// count the product's session length (3 hours when the catalog gives none).
// Other units are not compared.
Violations CheckExtent(const wmo::assignment::v1::Assignment& assignment,
                       const wmo::catalog::v1::Product& product,
                       const std::vector<SessionDays>& enrolled,
                       const rules::Period& period);

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_RULES_H_
