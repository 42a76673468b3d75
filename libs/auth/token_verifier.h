#ifndef WMO_LIBS_AUTH_TOKEN_VERIFIER_H_
#define WMO_LIBS_AUTH_TOKEN_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/keys.h"
#include "libs/auth/principal.h"

namespace wmo::auth {

// The claims that carry a principal, beside "sub" (the subject).
inline constexpr char kKindClaim[] = "wmo_principal";
inline constexpr char kTenantClaim[] = "wmo_tenant";

struct VerifierOptions {
  std::string issuer;    // "iss" must be this.
  std::string audience;  // "aud" must be this, or a list holding it.
  // Clocks disagree a little: "exp" and "nbf" hold this much either way.
  absl::Duration leeway = absl::Seconds(60);
  // Verified tokens remembered, so that a client's repeated calls with one
  // token do not repeat the signature check; past it the memory starts over.
  size_t max_cached_tokens = 10'000;
};

// Verifies bearer tokens (JWT, RS256 or ES256, signed by one of the current
// keys) and returns the principal they carry. Thread-safe.
class TokenVerifier {
 public:
  explicit TokenVerifier(VerifierOptions options,
                         std::function<absl::Time()> now = absl::Now);

  // Replaces the keys. Tokens remembered as verified are forgotten: the key
  // that signed one may be gone.
  void SetKeys(std::vector<VerificationKey> keys);

  // The principal of `token` (the part after "Bearer "). UNAUTHENTICATED
  // saying what is wrong (not a JWT, unknown key, an algorithm the key does
  // not take, a signature that does not verify, expired, not yet valid,
  // another issuer or audience, missing or invalid principal claims), never
  // quoting the token.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

 private:
  struct Verified {
    Principal principal;
    absl::Time expires;
  };

  absl::StatusOr<Verified> VerifyUncached(const std::string& token,
                                          absl::Time now) const;

  const VerifierOptions options_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  std::vector<VerificationKey> keys_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // Counts SetKeys.
  mutable absl::flat_hash_map<std::string, Verified> cache_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_TOKEN_VERIFIER_H_
