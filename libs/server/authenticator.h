#ifndef WMO_LIBS_SERVER_AUTHENTICATOR_H_
#define WMO_LIBS_SERVER_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/client_interceptor.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_verifier.h"

namespace wmo::server {

// Who calls: the principal of the call's bearer token (metadata
// "authorization: Bearer <JWT>", which the gateway passes on from the HTTP
// header), or without one the principal its verified client certificate
// names (auth::PrincipalOfCertificate). Another role of this system (the
// same process, or a peer whose certificate names a service) may name the
// caller it acts for in kOnBehalfOf when that caller had no token; naming
// nobody, it calls as a service. Every
// handler asks it before doing anything else; the health and reflection
// services, which gRPC serves itself, stay open.
class Authenticator {
 public:
  explicit Authenticator(std::shared_ptr<const auth::TokenVerifier> verifier);

  // Takes every call as `principal` without looking at credentials. Only
  // for measuring what authentication costs (bench/auth_bench.cc): no
  // server builds one.
  static Authenticator UncheckedForBenchmarks(auth::Principal principal);

  // For the channels between this process's own services: their calls carry
  // a secret made at start-up that never leaves the process, by which they
  // count as another role (a network peer cannot present it).
  std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
  InProcessMark() const;

  // UNAUTHENTICATED saying what is missing or wrong.
  absl::StatusOr<auth::Principal> Authenticate(
      const grpc::ServerContextBase& context) const;

  // Whether the call comes from another role of this system: a service of
  // this process (InProcessMark) or a peer whose verified certificate names
  // a service.
  bool FromAnotherRole(const grpc::ServerContextBase& context) const;

 private:
  absl::StatusOr<auth::Principal> WithoutToken(
      const grpc::ServerContextBase& context) const;

  std::shared_ptr<const auth::TokenVerifier> verifier_;
  std::optional<auth::Principal> unchecked_;
  const std::string in_process_secret_;
};

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_AUTHENTICATOR_H_
