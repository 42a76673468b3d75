#ifndef WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/server/late_stub.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo::declaration {

// The declaration service as the other services see it, over gRPC
// (in-process or over the network).
class DeclarationClient {
 public:
  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    stub_.SetChannel(std::move(channel));
  }

  // What has been approved on the assignment
  // "municipalities/{code}/assignments/{number}".
  absl::StatusOr<v1::AssignmentUsage> Usage(const std::string& assignment);

 private:
  server::LateStub<v1::DeclarationService> stub_{"declaration"};
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_
