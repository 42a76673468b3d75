#ifndef WMO_SERVICES_CAPACITY_SITE_API_H_
#define WMO_SERVICES_CAPACITY_SITE_API_H_

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/capacity/capacity_repository.h"
#include "services/catalog/catalog_source.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

namespace wmo::capacity {

// A provider's sites: locations, the groups and bed pools at them, and the
// audit trail under them. Created, read, listed, changed and deleted
// through one generic helper per operation (site_api.cc); what differs per
// kind is the checks: a group or pool serves its catalog's products in its
// location's region under contract, a change keeps room for who is booked
// or enrolled, a delete leaves nobody without a place.
class SiteApi {
 public:
  // `now` says which day it is (what counts as booked from today).
  SiteApi(store::Database& db, catalog::CatalogSource& catalogs,
          server::Clock now)
      : db_(db), catalogs_(catalogs), now_(std::move(now)) {}

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

  // The audit trail (libs/audit) of a location and what is under it.
  absl::Status ListAuditEntries(
      const auth::Principal& caller,
      const type::v1::ListAuditEntriesRequest& request,
      type::v1::ListAuditEntriesResponse* response);

 private:
  // FAILED_PRECONDITION (CP-IN-USE) when `group`, as changed, drops a
  // session that running enrolments use or holds fewer than are enrolled.
  absl::Status CheckStillFits(store::Connection& c, const SiteKey& key,
                              const v1::Group& group);

  store::Database& db_;
  catalog::CatalogSource& catalogs_;
  const server::Clock now_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_SITE_API_H_
