#include "libs/server/authenticator.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "libs/server/call_scope.h"
#include "openssl/crypto.h"
#include "openssl/rand.h"

namespace wmo::server {
namespace {

// The principal a verified client certificate names; nothing when the
// connection has none (no TLS, or TLS without client certificates).
std::optional<absl::StatusOr<auth::Principal>> CertificatePrincipal(
    const grpc::ServerContextBase& context) {
  const std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
  if (peer == nullptr) return std::nullopt;
  const std::vector<grpc::string_ref> subjects =
      peer->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  if (subjects.empty()) return std::nullopt;
  absl::StatusOr<auth::Principal> principal = auth::PrincipalOfCertificate(
      absl::string_view(subjects[0].data(), subjects[0].size()));
  if (!principal.ok()) {
    return absl::UnauthenticatedError(principal.status().message());
  }
  return principal;
}

// The metadata that carries the in-process secret.
constexpr char kInProcess[] = "x-wmo-in-process";

// 128 bits from OpenSSL's generator, hex.
std::string NewSecret() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // No secret to be had: no call may pass as another role's.
    return "";
  }
  std::string hex;
  for (unsigned char b : bytes) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

// Compared in constant time: how much of a guess matches must not show.
bool SameSecret(absl::string_view presented, const std::string& secret) {
  return !secret.empty() && presented.size() == secret.size() &&
         CRYPTO_memcmp(presented.data(), secret.data(), secret.size()) == 0;
}

class MarkInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MarkInterceptor(std::string secret) : secret_(std::move(secret)) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kInProcess, secret_);
    }
    methods->Proceed();
  }

 private:
  const std::string secret_;
};

class MarkFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit MarkFactory(std::string secret) : secret_(std::move(secret)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new MarkInterceptor(secret_);
  }

 private:
  const std::string secret_;
};

}  // namespace

Authenticator::Authenticator(
    std::shared_ptr<const auth::TokenVerifier> verifier)
    : verifier_(std::move(verifier)), in_process_secret_(NewSecret()) {}

Authenticator Authenticator::UncheckedForBenchmarks(auth::Principal principal) {
  Authenticator unchecked(nullptr);
  unchecked.unchecked_ = std::move(principal);
  return unchecked;
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
Authenticator::InProcessMark() const {
  return std::make_unique<MarkFactory>(in_process_secret_);
}

bool Authenticator::FromAnotherRole(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  if (const auto mark = metadata.find(kInProcess);
      mark != metadata.end() &&
      SameSecret(absl::string_view(mark->second.data(), mark->second.size()),
                 in_process_secret_)) {
    return true;
  }
  std::optional<absl::StatusOr<auth::Principal>> certificate =
      CertificatePrincipal(context);
  return certificate.has_value() && certificate->ok() &&
         (*certificate)->kind == auth::PrincipalKind::kService;
}

absl::StatusOr<auth::Principal> Authenticator::WithoutToken(
    const grpc::ServerContextBase& context) const {
  std::optional<absl::StatusOr<auth::Principal>> certificate =
      CertificatePrincipal(context);
  const auto& metadata = context.client_metadata();
  const auto on_behalf = metadata.find(std::string(kOnBehalfOf));
  if (on_behalf == metadata.end()) {
    if (certificate.has_value()) return *certificate;
    // Another role calling on its own account (reporting usage in the
    // background): the service itself.
    if (FromAnotherRole(context)) {
      return auth::Principal{auth::PrincipalKind::kService, "", "in-process"};
    }
    return absl::UnauthenticatedError(
        "no credentials: send the header \"authorization: Bearer <token>\"");
  }
  // Only another role names whom it acts for.
  const bool from_role = FromAnotherRole(context);
  if (!from_role) {
    return absl::UnauthenticatedError(absl::StrCat(
        kOnBehalfOf, " is taken only from another role of this system"));
  }
  absl::StatusOr<auth::Principal> principal = auth::ParseOnBehalfOf(
      absl::string_view(on_behalf->second.data(), on_behalf->second.size()));
  if (!principal.ok()) {
    return absl::UnauthenticatedError(principal.status().message());
  }
  return principal;
}

absl::StatusOr<auth::Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (unchecked_.has_value()) return *unchecked_;
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) return WithoutToken(context);
  const absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";  // RFC 6750: any case.
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError(
        "the authorization header must be \"Bearer <token>\"");
  }
  return verifier_->Verify(value.substr(kScheme.size()));
}

}  // namespace wmo::server
