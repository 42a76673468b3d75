#ifndef WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_

#include <functional>

#include "libs/server/budget.h"
#include "libs/server/executor.h"
#include "services/declaration/declaration_api.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo::declaration {

// gRPC handlers of wmo.declaration.v1.DeclarationService: each passes the
// request to DeclarationApi and maps its status to the wire.
class DeclarationService final
    : public v1::DeclarationService::CallbackService {
 public:
  // Handlers run on `executor`: they block on the store and on the
  // assignment and catalog services.
  // `lines` bounds the declaration lines that submits and validations hold
  // at once, streams included: past it a call is RESOURCE_EXHAUSTED.
  DeclarationService(DeclarationApi& api, server::Executor& executor,
                     server::Budget& lines)
      : api_(api), executor_(executor), lines_(lines) {}

  grpc::ServerUnaryReactor* SubmitDeclaration(
      grpc::CallbackServerContext* context,
      const v1::SubmitDeclarationRequest* request,
      v1::Declaration* response) override;
  grpc::ServerBidiReactor<v1::SubmitDeclarationStreamRequest,
                          v1::SubmitDeclarationStreamResponse>*
  SubmitDeclarationStream(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* ValidateDeclaration(
      grpc::CallbackServerContext* context,
      const v1::ValidateDeclarationRequest* request,
      v1::Declaration* response) override;
  grpc::ServerUnaryReactor* ListDeclarationLines(
      grpc::CallbackServerContext* context,
      const v1::ListDeclarationLinesRequest* request,
      v1::ListDeclarationLinesResponse* response) override;
  grpc::ServerUnaryReactor* GetDeclaration(
      grpc::CallbackServerContext* context,
      const v1::GetDeclarationRequest* request,
      v1::Declaration* response) override;
  grpc::ServerUnaryReactor* ListDeclarations(
      grpc::CallbackServerContext* context,
      const v1::ListDeclarationsRequest* request,
      v1::ListDeclarationsResponse* response) override;
  grpc::ServerUnaryReactor* GetSettlement(
      grpc::CallbackServerContext* context,
      const v1::GetSettlementRequest* request,
      v1::Settlement* response) override;
  grpc::ServerUnaryReactor* GetAssignmentUsage(
      grpc::CallbackServerContext* context,
      const v1::GetAssignmentUsageRequest* request,
      v1::AssignmentUsage* response) override;

 private:
  // RespondLater for a call holding `lines` of the budget until it is done.
  grpc::ServerUnaryReactor* RespondWithLines(
      grpc::CallbackServerContext* context, int lines,
      std::function<absl::Status()> call);

  DeclarationApi& api_;
  server::Executor& executor_;
  server::Budget& lines_;
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_
