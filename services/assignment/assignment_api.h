#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "libs/store/request_ids.h"
#include "libs/store/store.h"
#include "services/catalog/catalog_client.h"
#include "services/declaration/declaration_client.h"
#include "wmo/assignment/v1/assignment_service.pb.h"

namespace wmo::assignment {

// The assignment service's operations without gRPC. Each write runs its
// checks and its writes in one store transaction, so concurrent calls for
// one client never together break a rule that each alone keeps. `actor` is
// who asks, for the audit trail.
class AssignmentApi {
 public:
  AssignmentApi(store::Database& db, catalog::CatalogClient& catalogs,
                declaration::DeclarationClient& declarations)
      : db_(db), catalogs_(catalogs), declarations_(declarations) {}

  absl::Status CreateAssignment(const v1::CreateAssignmentRequest& request,
                                const std::string& actor,
                                v1::Assignment* response);
  absl::Status GetAssignment(const v1::GetAssignmentRequest& request,
                             v1::Assignment* response);
  absl::Status BatchGetAssignments(
      const v1::BatchGetAssignmentsRequest& request,
      v1::BatchGetAssignmentsResponse* response);
  absl::Status ListAssignments(const v1::ListAssignmentsRequest& request,
                               v1::ListAssignmentsResponse* response);
  absl::Status UpdateAssignment(const v1::UpdateAssignmentRequest& request,
                                const std::string& actor,
                                v1::Assignment* response);
  absl::Status EndAssignment(const v1::EndAssignmentRequest& request,
                             const std::string& actor,
                             v1::Assignment* response);
  absl::Status DeleteAssignment(const v1::DeleteAssignmentRequest& request,
                                const std::string& actor,
                                v1::Assignment* response);
  absl::Status RecordDeliveryStart(
      const v1::RecordDeliveryStartRequest& request, const std::string& actor,
      v1::Assignment* response);
  absl::Status RecordDeliveryStop(const v1::RecordDeliveryStopRequest& request,
                                  const std::string& actor,
                                  v1::Assignment* response);
  absl::Status RequestAssignment(const v1::RequestAssignmentRequest& request,
                                 v1::AssignmentRequest* response);
  absl::Status AnswerAssignmentRequest(
      const v1::AnswerAssignmentRequestRequest& request,
      const std::string& actor, v1::AssignmentRequest* response);
  absl::Status ListAuditEntries(const v1::ListAuditEntriesRequest& request,
                                v1::ListAuditEntriesResponse* response);

 private:
  // Checks `candidate` fully and stores it as a new assignment; `also` runs
  // in the same transaction after the insert. A retry under `once`'s
  // request id answers with what the first create made.
  absl::Status CreateChecked(
      v1::Assignment candidate, const store::CreateRequest& once,
      const std::string& actor,
      absl::FunctionRef<absl::Status(store::Connection&, const v1::Assignment&)>
          also,
      v1::Assignment* response);

  // Loads the assignment `name`, lets `change` modify it (or refuse), and
  // stores the result as the next revision with an audit entry, all in one
  // transaction. An `etag` that is not empty must match the stored one.
  absl::Status Modify(
      const std::string& name, const std::string& etag,
      const std::string& actor, const std::string& action,
      absl::FunctionRef<absl::Status(store::Connection&, v1::Assignment&)>
          change,
      v1::Assignment* response);

  store::Database& db_;
  catalog::CatalogClient& catalogs_;
  declaration::DeclarationClient& declarations_;
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_H_
