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

// The owner of the resource a request names; `fallback` when none.
auth::Principal OwnerOf(const google::protobuf::Message* request,
                        const auth::Principal& fallback) {
  if (request == nullptr) return fallback;
  const auto* type = request->GetDescriptor();
  const auto* reflection = request->GetReflection();
  std::string resource;
  for (const char* field_name : {"parent", "name", "location"}) {
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

// Where a channel's calls get their authorization: a function of the
// request (read back from its bytes only when `reads_request`; null
// otherwise, and for streams).
struct BearerSource {
  bool reads_request = false;
  std::function<std::string(const google::protobuf::Message*)> bearer_for;
};

// Adds "authorization: <bearer>" to every call that has none.
class AuthorizationInterceptor : public grpc::experimental::Interceptor {
 public:
  AuthorizationInterceptor(std::string method, const BearerSource& source)
      : method_(std::move(method)), source_(source) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      if (metadata->find("authorization") == metadata->end()) {
        // Unary calls send their message in the same batch.
        const std::unique_ptr<google::protobuf::Message> request =
            source_.reads_request &&
                    methods->QueryInterceptionHookPoint(
                        InterceptionHookPoints::PRE_SEND_MESSAGE)
                ? RequestOf(method_, methods->GetSerializedSendMessage())
                : nullptr;
        metadata->emplace("authorization", source_.bearer_for(request.get()));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const BearerSource& source_;  // The factory's, which outlives its calls.
};

class AuthorizationInterceptorFactory
    : public ClientInterceptorFactoryInterface {
 public:
  explicit AuthorizationInterceptorFactory(BearerSource source)
      : source_(std::move(source)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new AuthorizationInterceptor(info->method(), source_);
  }

 private:
  const BearerSource source_;
};

std::shared_ptr<grpc::Channel> ChannelFrom(const std::string& target,
                                           const grpc::ChannelArguments& args,
                                           BearerSource source) {
  std::vector<std::unique_ptr<ClientInterceptorFactoryInterface>> factories;
  factories.push_back(
      std::make_unique<AuthorizationInterceptorFactory>(std::move(source)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), args, std::move(factories));
}

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
  return ChannelFrom(
      target, grpc::ChannelArguments(),
      {true, [fallback = std::move(fallback), cached = std::move(cached)](
                 const google::protobuf::Message* request) {
         return cached(OwnerOf(request, fallback));
       }});
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
  if (bearer.empty()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                     args);
  }
  return ChannelFrom(
      target, args,
      {false, [bearer](const google::protobuf::Message*) { return bearer; }});
}

}  // namespace wmo::testing
