#include "libs/testing/credentials.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/client_interceptor.h"
#include "libs/auth/key_files.h"

namespace wmo::testing {
namespace {

using google::protobuf::FieldDescriptor;
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

// The owner of the resource a request names; `fallback` when none.
auth::Principal OwnerOf(const google::protobuf::Message* request,
                        const auth::Principal& fallback) {
  if (request == nullptr) return fallback;
  const auto* type = request->GetDescriptor();
  const auto* reflection = request->GetReflection();
  std::string resource;
  for (const char* field_name : {"parent", "name"}) {
    const auto* field = type->FindFieldByName(field_name);
    if (field != nullptr && field->type() == FieldDescriptor::TYPE_STRING &&
        !field->is_repeated()) {
      resource = reflection->GetString(*request, field);
      if (!resource.empty()) break;
    }
  }
  if (resource.empty() && type->field_count() > 0 &&
      type->field(0)->type() == FieldDescriptor::TYPE_MESSAGE &&
      !type->field(0)->is_repeated()) {
    return OwnerOf(&reflection->GetMessage(*request, type->field(0)), fallback);
  }
  const std::vector<std::string> parts = absl::StrSplit(resource, '/');
  if (parts.size() >= 2 && parts[0] == "providers") {
    return {auth::PrincipalKind::kProvider, parts[1], fallback.subject};
  }
  if (parts.size() >= 2 && parts[0] == "municipalities") {
    return {auth::PrincipalKind::kMunicipality, parts[1], fallback.subject};
  }
  return fallback;
}

// The request of a call to `method` ("/package.Service/Method") read back
// from its bytes as the method's input type; null when it cannot be (a
// method not in the descriptor pool, bytes that are no such message).
std::unique_ptr<google::protobuf::Message> RequestOf(const std::string& method,
                                                     grpc::ByteBuffer* bytes) {
  std::string dotted = method.empty() ? "" : method.substr(1);
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          dotted);
  if (descriptor == nullptr || bytes == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(descriptor->input_type())
          ->New());
  grpc::ByteBuffer copy(*bytes);  // Deserialize consumes its input.
  if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(
           &copy, request.get())
           .ok()) {
    return nullptr;
  }
  return request;
}

class OwnerInterceptor : public grpc::experimental::Interceptor {
 public:
  OwnerInterceptor(
      std::string method, const auth::Principal& fallback,
      const std::function<std::string(const auth::Principal&)>& bearer_for)
      : method_(std::move(method)),
        fallback_(fallback),
        bearer_for_(bearer_for) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      if (metadata->find("authorization") == metadata->end()) {
        // Unary calls send their message in the same batch.
        const std::unique_ptr<google::protobuf::Message> request =
            methods->QueryInterceptionHookPoint(
                InterceptionHookPoints::PRE_SEND_MESSAGE)
                ? RequestOf(method_, methods->GetSerializedSendMessage())
                : nullptr;
        metadata->emplace("authorization",
                          bearer_for_(OwnerOf(request.get(), fallback_)));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const auth::Principal& fallback_;
  const std::function<std::string(const auth::Principal&)>& bearer_for_;
};

class OwnerInterceptorFactory : public ClientInterceptorFactoryInterface {
 public:
  OwnerInterceptorFactory(
      auth::Principal fallback,
      std::function<std::string(const auth::Principal&)> bearer_for)
      : fallback_(std::move(fallback)), bearer_for_(std::move(bearer_for)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new OwnerInterceptor(info->method(), fallback_, bearer_for_);
  }

 private:
  const auth::Principal fallback_;
  const std::function<std::string(const auth::Principal&)> bearer_for_;
};

}  // namespace

std::shared_ptr<grpc::Channel> OwnerChannel(
    const std::string& target, auth::Principal fallback,
    std::function<std::string(const auth::Principal&)> bearer_for) {
  // One token per principal for the channel's life: signing per call would
  // cost more than many calls.
  auto tokens = std::make_shared<
      std::pair<std::mutex, std::map<std::string, std::string>>>();
  auto cached = [tokens, bearer_for = std::move(bearer_for)](
                    const auth::Principal& caller) {
    std::lock_guard lock(tokens->first);
    std::string& bearer = tokens->second[auth::Describe(caller)];
    if (bearer.empty()) bearer = bearer_for(caller);
    return bearer;
  };
  std::vector<std::unique_ptr<ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<OwnerInterceptorFactory>(
      std::move(fallback), std::move(cached)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
      std::move(factories));
}

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
