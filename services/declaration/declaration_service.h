#ifndef WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_

#include <functional>

#include "libs/server/authenticator.h"
#include "libs/server/budget.h"
#include "libs/server/executor.h"
#include "services/declaration/declaration_api.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo::declaration {

// gRPC handlers of wmo.declaration.v1.DeclarationService: each passes the
// request to DeclarationApi and maps its status to the wire. Submit and
// Validate, whose requests can hold many lines, are served raw: parsed only
// once the executor takes the call (server::RespondLaterParsed).
class DeclarationService final
    : public v1::DeclarationService::WithRawCallbackMethod_SubmitDeclaration<
          v1::DeclarationService::WithRawCallbackMethod_ValidateDeclaration<
              v1::DeclarationService::CallbackService>> {
 public:
  // Handlers run on `executor`: they block on the store and on the
  // assignment and catalog services.
  // `lines` bounds the declaration lines that submits and validations hold
  // at once, streams included: past it a call is RESOURCE_EXHAUSTED.
  // Every call is authenticated by `authenticator` first.
  DeclarationService(DeclarationApi& api, server::Executor& executor,
                     const server::Authenticator& authenticator,
                     server::Budget& lines)
      : api_(api),
        executor_(executor),
        authenticator_(authenticator),
        lines_(lines) {}

  // A v1::SubmitDeclarationRequest in, a v1::Declaration out.
  grpc::ServerUnaryReactor* SubmitDeclaration(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerBidiReactor<v1::SubmitDeclarationStreamRequest,
                          v1::SubmitDeclarationStreamResponse>*
  SubmitDeclarationStream(grpc::CallbackServerContext* context) override;
  // A v1::ValidateDeclarationRequest in, a v1::Declaration out.
  grpc::ServerUnaryReactor* ValidateDeclaration(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
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

  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* context,
      const type::v1::ListAuditEntriesRequest* request,
      type::v1::ListAuditEntriesResponse* response) override;

 private:
  // Takes the budget for the lines a request of this size can hold, before
  // it is queued (and parsed): queued requests count too.
  absl::Status ReserveLines(const grpc::ByteBuffer& request,
                            server::Budget::Lease& lease);
  // Sets `lease` to `lines` once they are counted: gives back what the
  // estimate took too much, takes what it took too little.
  absl::Status HoldLines(int lines, server::Budget::Lease& lease);

  DeclarationApi& api_;
  server::Executor& executor_;
  const server::Authenticator& authenticator_;
  server::Budget& lines_;
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_SERVICE_H_
