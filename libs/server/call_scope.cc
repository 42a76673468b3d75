#include "libs/server/call_scope.h"

#include <algorithm>
#include <chrono>

#include "libs/server/log.h"

namespace wmo::server {
namespace {

thread_local const CallScope* current_scope = nullptr;

absl::Time DeadlineOf(const grpc::CallbackServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace

CallScope::CallScope(const grpc::CallbackServerContext& context,
                     auth::Principal caller, bool from_another_role)
    : context_(context),
      caller_(std::move(caller)),
      from_another_role_(from_another_role),
      previous_(current_scope),
      request_id_(RequestIdOf(context)),
      deadline_(DeadlineOf(context)) {
  if (request_id_.empty()) request_id_ = NewRequestId();
  current_scope = this;
}

CallScope::~CallScope() { current_scope = previous_; }

const grpc::CallbackServerContext* CallScope::Current() {
  return current_scope == nullptr ? nullptr : &current_scope->context_;
}

const auth::Principal* CallScope::Caller() {
  return current_scope == nullptr ? nullptr : &current_scope->caller_;
}

bool CallScope::FromAnotherRole() {
  return current_scope != nullptr && current_scope->from_another_role_;
}

std::string CallScope::RequestId() {
  return current_scope == nullptr ? "" : current_scope->request_id_;
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("x-request-id");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::unique_ptr<grpc::ClientContext> OutgoingContext() {
  std::unique_ptr<grpc::ClientContext> context;
  const grpc::CallbackServerContext* call = CallScope::Current();
  if (call != nullptr) {
    context = grpc::ClientContext::FromCallbackServerContext(*call);
    context->AddMetadata("x-request-id", CallScope::RequestId());
    const auto& metadata = call->client_metadata();
    if (const auto it = metadata.find("authorization"); it != metadata.end()) {
      context->AddMetadata("authorization",
                           std::string(it->second.data(), it->second.size()));
    } else if (const auth::Principal* caller = CallScope::Caller();
               caller != nullptr &&
               caller->kind != auth::PrincipalKind::kUnknown) {
      // A caller without a token (its certificate named it): this role
      // vouches for it to the next, which believes only another role.
      context->AddMetadata(std::string(kOnBehalfOf),
                           auth::OnBehalfOfValue(*caller));
    }
  } else {
    context = std::make_unique<grpc::ClientContext>();
  }
  // gRPC takes the earlier of this and the propagated deadline.
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoNanoseconds(kDefaultOutgoingDeadline));
  return context;
}

}  // namespace wmo::server
