#include "services/declaration/declaration_client.h"

namespace wmo::declaration {

absl::StatusOr<v1::Declaration> DeclarationClient::Submit(
    const v1::SubmitDeclarationRequest& request) {
  v1::Declaration response;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.SubmitDeclaration(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

}  // namespace wmo::declaration
