#include "services/assignment/assignment_service.h"

#include "libs/server/call_scope.h"
#include "libs/server/executor.h"
#include "libs/server/status.h"

namespace wmo::assignment {
namespace {

// Who calls: RespondLater runs each body inside the call's CallScope.
const auth::Principal& Caller() { return *server::CallScope::Caller(); }

}  // namespace

grpc::ServerUnaryReactor* AssignmentService::CreateAssignment(
    grpc::CallbackServerContext* context,
    const v1::CreateAssignmentRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.CreateAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::GetAssignment(
    grpc::CallbackServerContext* context,
    const v1::GetAssignmentRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::BatchGetAssignments(
    grpc::CallbackServerContext* context,
    const v1::BatchGetAssignmentsRequest* request,
    v1::BatchGetAssignmentsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.BatchGetAssignments(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::GetAssignmentUsage(
    grpc::CallbackServerContext* context,
    const v1::GetAssignmentUsageRequest* request,
    v1::AssignmentUsage* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetAssignmentUsage(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::ListAssignmentChanges(
    grpc::CallbackServerContext* context,
    const v1::ListAssignmentChangesRequest* request,
    v1::ListAssignmentChangesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAssignmentChanges(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::RecordAssignmentUsage(
    grpc::CallbackServerContext* context,
    const v1::RecordAssignmentUsageRequest* request,
    v1::RecordAssignmentUsageResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.RecordAssignmentUsage(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::ListAssignments(
    grpc::CallbackServerContext* context,
    const v1::ListAssignmentsRequest* request,
    v1::ListAssignmentsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAssignments(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::SearchAssignments(
    grpc::CallbackServerContext* context,
    const v1::SearchAssignmentsRequest* request,
    v1::ListAssignmentsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.SearchAssignments(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::UpdateAssignment(
    grpc::CallbackServerContext* context,
    const v1::UpdateAssignmentRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.UpdateAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::EndAssignment(
    grpc::CallbackServerContext* context,
    const v1::EndAssignmentRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.EndAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::DeleteAssignment(
    grpc::CallbackServerContext* context,
    const v1::DeleteAssignmentRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.DeleteAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::RecordDeliveryStart(
    grpc::CallbackServerContext* context,
    const v1::RecordDeliveryStartRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.RecordDeliveryStart(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::RecordDeliveryStop(
    grpc::CallbackServerContext* context,
    const v1::RecordDeliveryStopRequest* request, v1::Assignment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.RecordDeliveryStop(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::RequestAssignment(
    grpc::CallbackServerContext* context,
    const v1::RequestAssignmentRequest* request,
    v1::AssignmentRequest* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.RequestAssignment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::GetAssignmentRequest(
    grpc::CallbackServerContext* context,
    const v1::GetAssignmentRequestRequest* request,
    v1::AssignmentRequest* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetAssignmentRequest(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::ListAssignmentRequests(
    grpc::CallbackServerContext* context,
    const v1::ListAssignmentRequestsRequest* request,
    v1::ListAssignmentRequestsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAssignmentRequests(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::AnswerAssignmentRequest(
    grpc::CallbackServerContext* context,
    const v1::AnswerAssignmentRequestRequest* request,
    v1::AssignmentRequest* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.AnswerAssignmentRequest(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* AssignmentService::ListAuditEntries(
    grpc::CallbackServerContext* context,
    const type::v1::ListAuditEntriesRequest* request,
    type::v1::ListAuditEntriesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAuditEntries(Caller(), *request, response);
      });
}

}  // namespace wmo::assignment
