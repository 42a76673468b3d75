#include "libs/testing/health.h"

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace wmo::testing {

Serving HealthOf(grpc::Channel& channel, const std::string& service,
                 std::chrono::milliseconds deadline) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) {
    return Serving::kUnknown;
  }
  return static_cast<Serving>(response.status());
}

}  // namespace wmo::testing
