#ifndef WMO_LIBS_SERVER_LATE_STUB_H_
#define WMO_LIBS_SERVER_LATE_STUB_H_

#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "libs/server/call_scope.h"
#include "libs/server/status.h"

namespace wmo::server {

// The stub of another service, whose channel is known only once this
// process's own server runs (in-process) or from a flag (split). Calls
// before SetChannel are UNAVAILABLE.
template <typename Service>
class LateStub {
 public:
  explicit LateStub(const char* service_name) : service_name_(service_name) {}

  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    std::lock_guard lock(mu_);
    stub_ = Service::NewStub(std::move(channel));
  }

  // Runs `call(stub, context)` with the context of OutgoingContext (the
  // current call's deadline and cancellation, a default deadline) and maps
  // its grpc::Status, details kept.
  template <typename Call>
  absl::Status Invoke(Call&& call) {
    std::shared_ptr<typename Service::Stub> stub;
    {
      std::lock_guard lock(mu_);
      stub = stub_;
    }
    if (stub == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("the ", service_name_, " service is not connected"));
    }
    std::unique_ptr<grpc::ClientContext> context = OutgoingContext();
    return FromGrpcStatus(call(*stub, *context),
                          absl::StrCat(service_name_, " service: "));
  }

 private:
  const char* service_name_;
  std::mutex mu_;
  std::shared_ptr<typename Service::Stub> stub_;
};

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_LATE_STUB_H_
