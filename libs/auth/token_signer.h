#ifndef WMO_LIBS_AUTH_TOKEN_SIGNER_H_
#define WMO_LIBS_AUTH_TOKEN_SIGNER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"

namespace wmo::auth {

// What a signed token says besides the principal.
struct TokenClaims {
  std::string issuer;
  std::string audience;
  absl::Time issued_at;
  absl::Duration lifetime;
};

// A JWT for `principal` signed with `private_pem` (RSA: RS256, EC P-256:
// ES256) under key id `kid`, valid from `claims.issued_at` for
// `claims.lifetime`. For development tokens and tests; in production an
// identity provider issues them.
absl::StatusOr<std::string> SignToken(absl::string_view private_pem,
                                      absl::string_view kid,
                                      const Principal& principal,
                                      const TokenClaims& claims);

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_TOKEN_SIGNER_H_
