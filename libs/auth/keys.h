#ifndef WMO_LIBS_AUTH_KEYS_H_
#define WMO_LIBS_AUTH_KEYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wmo::auth {

// A public key that verifies tokens.
struct VerificationKey {
  std::string kid;  // The JWK key id tokens name in their header.
  std::string alg;  // "RS256" (an RSA key) or "ES256" (an EC P-256 key).
  std::string pem;  // SubjectPublicKeyInfo PEM, as libjwt takes it.
};

// The signing keys of a JWKS document (RFC 7517): RSA keys become RS256
// and EC P-256 keys ES256. Keys this server cannot use (for encryption,
// other types or curves, without "kid", an "alg" that disagrees with the
// type) are left out, as identity providers publish such keys beside the
// ones that sign; a document without a single usable key is
// INVALID_ARGUMENT saying why each key was left out.
absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json);

// A new EC P-256 private key as PKCS#8 PEM.
absl::StatusOr<std::string> NewEcPrivateKeyPem();

// The algorithm a private key (PEM) signs with: "RS256" for RSA, "ES256"
// for EC P-256; INVALID_ARGUMENT for anything else.
absl::StatusOr<std::string> SigningAlgorithm(absl::string_view private_pem);

// The public half of a private key (RSA or EC P-256, PEM) as a JWK with
// `kid` and its "alg": what a JWKS file lists for it.
absl::StatusOr<std::string> PublicJwk(absl::string_view private_pem,
                                      absl::string_view kid);

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_KEYS_H_
