#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/request_ids.h"
#include "libs/store/store.h"
#include "services/assignment/number_blocks.h"
#include "services/catalog/catalog_source.h"
#include "wmo/assignment/v1/assignment_service.pb.h"

namespace wmo::assignment {

// Catalog versions by (catalog id, start date of an assignment).
using ClientCatalogs =
    std::map<std::pair<std::string, std::string>,
             std::shared_ptr<const wmo::catalog::v1::Catalog>>;

// The assignment service's operations without gRPC. Each write runs its
// checks and its writes in one store transaction, so concurrent calls for
// one client never together break a rule that each alone keeps. `caller`
// is who asks: what it may do is checked here (a municipality its own
// assignments and requests; a provider reads the assignments given to it,
// records delivery on them and sends requests; nobody else), and the audit
// trail names it.
class AssignmentApi {
 public:
  // `now`: the clock of the times it stamps.
  AssignmentApi(store::Database& db, catalog::CatalogSource& catalogs,
                server::Clock now = absl::Now)
      : db_(db), catalogs_(catalogs), now_(std::move(now)) {}

  absl::Status CreateAssignment(const auth::Principal& caller,
                                const v1::CreateAssignmentRequest& request,
                                v1::Assignment* response);
  absl::Status GetAssignment(const auth::Principal& caller,
                             const v1::GetAssignmentRequest& request,
                             v1::Assignment* response);
  absl::Status GetAssignmentUsage(const auth::Principal& caller,
                                  const v1::GetAssignmentUsageRequest& request,
                                  v1::AssignmentUsage* response);
  // Only from the declaration service: another role of this system.
  absl::Status RecordAssignmentUsage(
      const auth::Principal& caller,
      const v1::RecordAssignmentUsageRequest& request,
      v1::RecordAssignmentUsageResponse* response);
  // Only another role of this system, acting for the provider or itself.
  absl::Status ListAssignmentChanges(
      const auth::Principal& caller,
      const v1::ListAssignmentChangesRequest& request,
      v1::ListAssignmentChangesResponse* response);
  // A provider gets only the assignments given to it; the others are
  // missing (allow_missing) or NOT_FOUND, as if they did not exist. The
  // qualifying cover is for another role of this system only.
  absl::Status BatchGetAssignments(
      const auth::Principal& caller,
      const v1::BatchGetAssignmentsRequest& request,
      v1::BatchGetAssignmentsResponse* response);
  // A provider lists only the assignments given to it.
  absl::Status ListAssignments(const auth::Principal& caller,
                               const v1::ListAssignmentsRequest& request,
                               v1::ListAssignmentsResponse* response);
  // ListAssignments for one client.
  absl::Status SearchAssignments(const auth::Principal& caller,
                                 const v1::SearchAssignmentsRequest& request,
                                 v1::ListAssignmentsResponse* response);
  absl::Status UpdateAssignment(const auth::Principal& caller,
                                const v1::UpdateAssignmentRequest& request,
                                v1::Assignment* response);
  absl::Status EndAssignment(const auth::Principal& caller,
                             const v1::EndAssignmentRequest& request,
                             v1::Assignment* response);
  absl::Status DeleteAssignment(const auth::Principal& caller,
                                const v1::DeleteAssignmentRequest& request,
                                v1::Assignment* response);
  absl::Status RecordDeliveryStart(
      const auth::Principal& caller,
      const v1::RecordDeliveryStartRequest& request, v1::Assignment* response);
  absl::Status RecordDeliveryStop(const auth::Principal& caller,
                                  const v1::RecordDeliveryStopRequest& request,
                                  v1::Assignment* response);
  absl::Status RequestAssignment(const auth::Principal& caller,
                                 const v1::RequestAssignmentRequest& request,
                                 v1::AssignmentRequest* response);
  absl::Status GetAssignmentRequest(
      const auth::Principal& caller,
      const v1::GetAssignmentRequestRequest& request,
      v1::AssignmentRequest* response);
  absl::Status ListAssignmentRequests(
      const auth::Principal& caller,
      const v1::ListAssignmentRequestsRequest& request,
      v1::ListAssignmentRequestsResponse* response);
  absl::Status AnswerAssignmentRequest(
      const auth::Principal& caller,
      const v1::AnswerAssignmentRequestRequest& request,
      v1::AssignmentRequest* response);
  absl::Status ListAuditEntries(
      const auth::Principal& caller,
      const type::v1::ListAuditEntriesRequest& request,
      type::v1::ListAuditEntriesResponse* response);

 private:
  // Request `name` as `caller` may see it: the municipality asked, or the
  // provider that asked (NOT_FOUND for another's).
  absl::StatusOr<v1::AssignmentRequest> ReadRequest(
      const auth::Principal& caller, const std::string& name);

  // What ListAssignments and SearchAssignments answer (an empty client_bsn
  // matches every client).
  absl::Status ListMatching(const auth::Principal& caller,
                            absl::string_view operation,
                            const v1::SearchAssignmentsRequest& request,
                            v1::ListAssignmentsResponse* response);

  // Checks `candidate` fully and stores it as a new assignment; `also` runs
  // in the same transaction after the insert. A retry under `once`'s
  // request id answers with what the first create made.
  absl::Status CreateChecked(
      v1::Assignment candidate, const store::CreateRequest& once,
      const auth::Principal& caller,
      absl::FunctionRef<absl::Status(store::Connection&, const v1::Assignment&)>
          also,
      v1::Assignment* response);

  // A change request (iWmo 317) against the client's stored assignments:
  // FAILED_PRECONDITION with every violation (TR349, TR350, TR351, TR357,
  // TR373, TR411, TR304).
  absl::Status CheckChangeAgainstStore(store::Connection& c,
                                       const v1::AssignmentRequest& request);

  // Adds to `response` the qualifying cover of each of its assignments
  // whose product needs another (requires_any_of).
  absl::Status AddQualifyingCovers(v1::BatchGetAssignmentsResponse& response);

  // The catalog versions the client of assignment `name` has assignments
  // under (each valid on an assignment's start date): what a change to it
  // and the assignments that depend on it are read in.
  absl::StatusOr<ClientCatalogs> ClientCatalogsOf(const std::string& name);

  // Loads the assignment `name`, lets `change` modify it (or refuse), and
  // stores the result as the next revision with an audit entry, all in one
  // transaction. An `etag` that is not empty must match the stored one.
  absl::Status Modify(
      const auth::Principal& caller, const std::string& name,
      const std::string& etag, const std::string& action,
      absl::FunctionRef<absl::Status(store::Connection&, v1::Assignment&)>
          change,
      v1::Assignment* response);

  store::Database& db_;
  catalog::CatalogSource& catalogs_;
  const server::Clock now_;
  NumberBlocks numbers_{db_};
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_
