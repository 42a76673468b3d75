#include "services/iwmo/iwmo_service.h"

#include "libs/server/call_scope.h"
#include "libs/server/executor.h"

namespace wmo::iwmo {

grpc::ServerUnaryReactor* IwmoService::SubmitMessage(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return server::RespondLaterParsed<v1::SubmitMessageRequest,
                                    google::api::HttpBody>(
      context, executor_, authenticator_, request, response,
      [this](const v1::SubmitMessageRequest& in, google::api::HttpBody* out) {
        return api_.SubmitMessage(*server::CallScope::Caller(), in, out);
      });
}

grpc::ServerUnaryReactor* IwmoService::ListOutboxMessages(
    grpc::CallbackServerContext* context,
    const v1::ListOutboxMessagesRequest* request,
    v1::ListOutboxMessagesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListOutboxMessages(*server::CallScope::Caller(), *request,
                                       response);
      });
}

grpc::ServerUnaryReactor* IwmoService::GetOutboxMessage(
    grpc::CallbackServerContext* context,
    const v1::GetOutboxMessageRequest* request,
    google::api::HttpBody* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetOutboxMessage(*server::CallScope::Caller(), *request,
                                     response);
      });
}

}  // namespace wmo::iwmo
