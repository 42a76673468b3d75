#ifndef WMO_SERVICES_IWMO_IWMO_SERVICE_H_
#define WMO_SERVICES_IWMO_IWMO_SERVICE_H_

#include "libs/server/authenticator.h"
#include "libs/server/executor.h"
#include "services/iwmo/iwmo_api.h"
#include "wmo/iwmo/v1/iwmo_service.grpc.pb.h"

namespace wmo::iwmo {

// gRPC handlers of wmo.iwmo.v1.IwmoService. SubmitMessage is served raw: a
// month's declaration is tens of megabytes, parsed only once the executor
// takes the call.
class IwmoService final
    : public v1::IwmoService::WithRawCallbackMethod_SubmitMessage<
          v1::IwmoService::CallbackService> {
 public:
  // Handlers run on `executor`: they block on the store and on the
  // services that judge what a message says.
  IwmoService(IwmoApi& api, server::Executor& executor,
              const server::Authenticator& authenticator)
      : api_(api), executor_(executor), authenticator_(authenticator) {}

  // A v1::SubmitMessageRequest in, a google.api.HttpBody out.
  grpc::ServerUnaryReactor* SubmitMessage(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListOutboxMessages(
      grpc::CallbackServerContext* context,
      const v1::ListOutboxMessagesRequest* request,
      v1::ListOutboxMessagesResponse* response) override;
  grpc::ServerUnaryReactor* GetOutboxMessage(
      grpc::CallbackServerContext* context,
      const v1::GetOutboxMessageRequest* request,
      google::api::HttpBody* response) override;

 private:
  IwmoApi& api_;
  server::Executor& executor_;
  const server::Authenticator& authenticator_;
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_SERVICE_H_
