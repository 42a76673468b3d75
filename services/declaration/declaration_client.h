#ifndef WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "libs/server/late_stub.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo::declaration {

// Where declarations go to be judged and kept, as a caller sees it.
class DeclarationSink {
 public:
  virtual ~DeclarationSink() = default;
  // SubmitDeclaration, acting for the current call's caller.
  virtual absl::StatusOr<v1::Declaration> Submit(
      const v1::SubmitDeclarationRequest& request) = 0;
};

// The declaration service over gRPC (in-process or over the network).
class DeclarationClient : public DeclarationSink {
 public:
  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    stub_.SetChannel(std::move(channel));
  }

  absl::StatusOr<v1::Declaration> Submit(
      const v1::SubmitDeclarationRequest& request) override;

 private:
  server::LateStub<v1::DeclarationService> stub_{"declaration"};
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_CLIENT_H_
