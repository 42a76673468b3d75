#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SERVICE_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SERVICE_H_

#include "libs/server/authenticator.h"
#include "libs/server/executor.h"
#include "services/assignment/assignment_api.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"

namespace wmo::assignment {

// gRPC handlers of wmo.assignment.v1.AssignmentService: each passes the
// authenticated caller and the request to AssignmentApi (which checks what
// the caller may do and audits it) and maps its status to the wire.
class AssignmentService final : public v1::AssignmentService::CallbackService {
 public:
  // Handlers run on `executor`: they block on the store and on the catalog
  // service.
  // Every call is authenticated by `authenticator` first.
  AssignmentService(AssignmentApi& api, server::Executor& executor,
                    const server::Authenticator& authenticator)
      : api_(api), executor_(executor), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* CreateAssignment(
      grpc::CallbackServerContext* context,
      const v1::CreateAssignmentRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* GetAssignment(
      grpc::CallbackServerContext* context,
      const v1::GetAssignmentRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* BatchGetAssignments(
      grpc::CallbackServerContext* context,
      const v1::BatchGetAssignmentsRequest* request,
      v1::BatchGetAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetAssignmentUsage(
      grpc::CallbackServerContext* context,
      const v1::GetAssignmentUsageRequest* request,
      v1::AssignmentUsage* response) override;
  grpc::ServerUnaryReactor* RecordAssignmentUsage(
      grpc::CallbackServerContext* context,
      const v1::RecordAssignmentUsageRequest* request,
      v1::RecordAssignmentUsageResponse* response) override;
  grpc::ServerUnaryReactor* ListAssignmentChanges(
      grpc::CallbackServerContext* context,
      const v1::ListAssignmentChangesRequest* request,
      v1::ListAssignmentChangesResponse* response) override;
  grpc::ServerUnaryReactor* ListAssignments(
      grpc::CallbackServerContext* context,
      const v1::ListAssignmentsRequest* request,
      v1::ListAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* SearchAssignments(
      grpc::CallbackServerContext* context,
      const v1::SearchAssignmentsRequest* request,
      v1::ListAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAssignment(
      grpc::CallbackServerContext* context,
      const v1::UpdateAssignmentRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* EndAssignment(
      grpc::CallbackServerContext* context,
      const v1::EndAssignmentRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* DeleteAssignment(
      grpc::CallbackServerContext* context,
      const v1::DeleteAssignmentRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* RecordDeliveryStart(
      grpc::CallbackServerContext* context,
      const v1::RecordDeliveryStartRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* RecordDeliveryStop(
      grpc::CallbackServerContext* context,
      const v1::RecordDeliveryStopRequest* request,
      v1::Assignment* response) override;
  grpc::ServerUnaryReactor* RequestAssignment(
      grpc::CallbackServerContext* context,
      const v1::RequestAssignmentRequest* request,
      v1::AssignmentRequest* response) override;
  grpc::ServerUnaryReactor* GetAssignmentRequest(
      grpc::CallbackServerContext* context,
      const v1::GetAssignmentRequestRequest* request,
      v1::AssignmentRequest* response) override;
  grpc::ServerUnaryReactor* ListAssignmentRequests(
      grpc::CallbackServerContext* context,
      const v1::ListAssignmentRequestsRequest* request,
      v1::ListAssignmentRequestsResponse* response) override;
  grpc::ServerUnaryReactor* AnswerAssignmentRequest(
      grpc::CallbackServerContext* context,
      const v1::AnswerAssignmentRequestRequest* request,
      v1::AssignmentRequest* response) override;
  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* context,
      const type::v1::ListAuditEntriesRequest* request,
      type::v1::ListAuditEntriesResponse* response) override;

 private:
  AssignmentApi& api_;
  server::Executor& executor_;
  const server::Authenticator& authenticator_;
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SERVICE_H_
