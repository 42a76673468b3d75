#include "services/declaration/declaration_client.h"

namespace wmo::declaration {

absl::StatusOr<v1::AssignmentUsage> DeclarationClient::Usage(
    const std::string& assignment) {
  v1::GetAssignmentUsageRequest request;
  request.set_assignment(assignment);
  v1::AssignmentUsage usage;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.GetAssignmentUsage(&context, request, &usage);
  });
  if (!status.ok()) return status;
  return usage;
}

}  // namespace wmo::declaration
