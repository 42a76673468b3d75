#ifndef WMO_LIBS_SERVER_CALL_SCOPE_H_
#define WMO_LIBS_SERVER_CALL_SCOPE_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "libs/auth/principal.h"
#include "libs/store/deadline.h"

namespace wmo::server {

// The metadata by which one role names the caller it acts for when that
// caller authenticated with a certificate (no token to pass on). Believed
// only from another role (server::Authenticator).
inline constexpr absl::string_view kOnBehalfOf = "x-wmo-on-behalf-of";

// Calls to other services get this deadline when their cause has none (or
// a later one): no outgoing call waits forever.
inline constexpr absl::Duration kDefaultOutgoingDeadline = absl::Seconds(10);

// The call a thread works for, set around a handler's body (RespondLater
// does it). What the handler causes reads it instead of having it passed
// down every signature: calls to other services inherit its deadline,
// cancellation and request id (OutgoingContext), store statements its
// deadline (store::DeadlineScope).
class CallScope {
 public:
  // `caller`: who the call acts for (the Authenticator's answer);
  // `from_another_role`: the call comes from another role of this system
  // on the caller's behalf (Authenticator::FromAnotherRole).
  CallScope(const grpc::CallbackServerContext& context, auth::Principal caller,
            bool from_another_role = false);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  // The call of the innermost scope on this thread, or null.
  static const grpc::CallbackServerContext* Current();
  // Its request id: the caller's x-request-id, or one made up for a caller
  // that sent none; "" outside any scope.
  static std::string RequestId();

  // Who the innermost scope's call acts for; null outside any scope.
  static const auth::Principal* Caller();
  // Whether it came from another role of this system (a service checking
  // something for its own caller) rather than from a client.
  static bool FromAnotherRole();

  const std::string& request_id() const { return request_id_; }

 private:
  const grpc::CallbackServerContext& context_;
  const auth::Principal caller_;
  const bool from_another_role_;
  const CallScope* previous_;
  std::string request_id_;
  store::DeadlineScope deadline_;
};

// The x-request-id the call carries; "" when none.
std::string RequestIdOf(const grpc::ServerContextBase& context);

// A client context for a call to another service: inside a CallScope it
// propagates the current call's deadline and cancellation and carries its
// x-request-id and credentials (the callee checks and audits the original
// caller: its token, or for a caller a certificate named, kOnBehalfOf);
// its deadline is at most kDefaultOutgoingDeadline away.
std::unique_ptr<grpc::ClientContext> OutgoingContext();

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_CALL_SCOPE_H_
