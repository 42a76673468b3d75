#ifndef WMO_LIBS_SERVER_AUTHENTICATOR_H_
#define WMO_LIBS_SERVER_AUTHENTICATOR_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_verifier.h"

namespace wmo::server {

// Who calls: the principal of the call's bearer token (metadata
// "authorization: Bearer <JWT>", which the gateway passes on from the HTTP
// header). Every handler asks it before doing anything else; the health
// and reflection services, which gRPC serves itself, stay open.
class Authenticator {
 public:
  explicit Authenticator(std::shared_ptr<const auth::TokenVerifier> verifier)
      : verifier_(std::move(verifier)) {}

  // UNAUTHENTICATED saying what is missing or wrong.
  absl::StatusOr<auth::Principal> Authenticate(
      const grpc::ServerContextBase& context) const;

 private:
  std::shared_ptr<const auth::TokenVerifier> verifier_;
};

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_AUTHENTICATOR_H_
