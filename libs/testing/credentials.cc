#include "libs/testing/credentials.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/client_interceptor.h"
#include "libs/auth/key_files.h"

namespace wmo::testing {
namespace {

using grpc::experimental::ClientInterceptorFactoryInterface;
using grpc::experimental::InterceptionHookPoints;

class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string& bearer) : bearer_(bearer) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      if (metadata->find("authorization") == metadata->end()) {
        metadata->emplace("authorization", bearer_);
      }
    }
    methods->Proceed();
  }

 private:
  const std::string& bearer_;  // The factory's, which outlives its calls.
};

class BearerInterceptorFactory : public ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string bearer)
      : bearer_(std::move(bearer)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerInterceptor(bearer_);
  }

 private:
  const std::string bearer_;
};

}  // namespace

std::string DevBearer(const std::string& data_dir,
                      const auth::Principal& caller) {
  absl::StatusOr<std::string> token =
      auth::DevToken(data_dir, caller, absl::Now(), absl::Hours(1));
  return token.ok() ? absl::StrCat("Bearer ", *token) : "";
}

std::shared_ptr<grpc::Channel> ChannelWithBearer(
    const std::string& target, const std::string& bearer,
    const grpc::ChannelArguments& args) {
  std::vector<std::unique_ptr<ClientInterceptorFactoryInterface>> factories;
  if (!bearer.empty()) {
    factories.push_back(std::make_unique<BearerInterceptorFactory>(bearer));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), args, std::move(factories));
}

}  // namespace wmo::testing
