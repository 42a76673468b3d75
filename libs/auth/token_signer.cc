#include "libs/auth/token_signer.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "absl/status/status.h"
#include "libs/auth/keys.h"
#include "libs/auth/token_verifier.h"

namespace wmo::auth {

absl::StatusOr<std::string> SignToken(absl::string_view private_pem,
                                      absl::string_view kid,
                                      const Principal& principal,
                                      const TokenClaims& claims) {
  absl::StatusOr<std::string> algorithm = SigningAlgorithm(private_pem);
  if (!algorithm.ok()) return algorithm.status();
  const jwt_alg_t alg = *algorithm == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256;
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("cannot make a JWT");
  const std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  const std::string subject = principal.subject;
  const long issued = static_cast<long>(absl::ToUnixSeconds(claims.issued_at));
  const long expires = static_cast<long>(
      absl::ToUnixSeconds(claims.issued_at + claims.lifetime));
  const bool ok =
      jwt_add_header(jwt.get(), "kid", std::string(kid).c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "iss", claims.issuer.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "aud", claims.audience.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "sub", subject.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), kKindClaim,
                    std::string(KindName(principal.kind)).c_str()) == 0 &&
      (principal.tenant.empty() ||
       jwt_add_grant(jwt.get(), kTenantClaim, principal.tenant.c_str()) == 0) &&
      jwt_add_grant_int(jwt.get(), "iat", issued) == 0 &&
      jwt_add_grant_int(jwt.get(), "nbf", issued) == 0 &&
      jwt_add_grant_int(jwt.get(), "exp", expires) == 0 &&
      jwt_set_alg(jwt.get(), alg,
                  reinterpret_cast<const unsigned char*>(private_pem.data()),
                  static_cast<int>(private_pem.size())) == 0;
  if (!ok) return absl::InternalError("cannot fill in the JWT");
  char* token = jwt_encode_str(jwt.get());
  if (token == nullptr) {
    return absl::InvalidArgumentError(
        "cannot sign: the key is not an RSA or EC P-256 private key (PEM)");
  }
  std::string result(token);
  std::free(token);
  return result;
}

}  // namespace wmo::auth
