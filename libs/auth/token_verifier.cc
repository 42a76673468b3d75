#include "libs/auth/token_verifier.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace wmo::auth {
namespace {

// Longer is no token a sane issuer makes; refusing it bounds the work.
constexpr size_t kMaxTokenBytes = 8192;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using Jwt = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token refused: ", why));
}

// A value from the token for a message: only when short and plain.
std::string Quoted(const char* value) {
  if (value == nullptr) return "(none)";
  const absl::string_view text(value);
  if (text.size() > 64) return "(too long to show)";
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return "(not printable)";
  }
  return absl::StrCat("\"", text, "\"");
}

std::string Claim(jwt_t* jwt, const char* name) {
  const char* value = jwt_get_grant(jwt, name);
  return value == nullptr ? "" : value;
}

// A NumericDate claim; nullopt when absent. Not a number: an error.
absl::StatusOr<std::optional<absl::Time>> TimeClaim(jwt_t* jwt,
                                                    const char* name) {
  errno = 0;
  const long seconds = jwt_get_grant_int(jwt, name);
  if (errno == ENOENT) return std::nullopt;
  if (errno != 0) {
    return Refused(absl::StrCat("\"", name, "\" is not a number of seconds"));
  }
  return absl::FromUnixSeconds(seconds);
}

bool AudienceHolds(jwt_t* jwt, const std::string& audience) {
  const char* single = jwt_get_grant(jwt, "aud");
  if (single != nullptr) return single == audience;
  char* list = jwt_get_grants_json(jwt, "aud");
  if (list == nullptr) return false;
  const nlohmann::json parsed = nlohmann::json::parse(list, nullptr, false);
  std::free(list);
  if (!parsed.is_array()) return false;
  for (const nlohmann::json& item : parsed) {
    if (item.is_string() && item.get<std::string>() == audience) return true;
  }
  return false;
}

}  // namespace

TokenVerifier::TokenVerifier(VerifierOptions options,
                             std::function<absl::Time()> now)
    : options_(std::move(options)), now_(std::move(now)) {}

void TokenVerifier::SetKeys(std::vector<VerificationKey> keys) {
  absl::MutexLock lock(&mu_);
  keys_ = std::move(keys);
  cache_.clear();
  ++generation_;
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) const {
  const absl::Time now = now_();
  uint64_t generation = 0;
  {
    absl::ReaderMutexLock lock(&mu_);
    const auto it = cache_.find(token);
    if (it != cache_.end() && now <= it->second.expires + options_.leeway) {
      return it->second.principal;
    }
    generation = generation_;
  }
  if (token.size() > kMaxTokenBytes) {
    return Refused(absl::StrCat("longer than ", kMaxTokenBytes, " bytes"));
  }
  std::string text(token);
  absl::StatusOr<Verified> verified = VerifyUncached(text, now);
  if (!verified.ok()) return verified.status();
  absl::MutexLock lock(&mu_);
  // Not when the keys changed meanwhile: the token was checked with the old.
  if (generation == generation_) {
    if (cache_.size() >= options_.max_cached_tokens) cache_.clear();
    cache_.insert_or_assign(std::move(text), *verified);
  }
  return verified->principal;
}

absl::StatusOr<TokenVerifier::Verified> TokenVerifier::VerifyUncached(
    const std::string& token, absl::Time now) const {
  // First the header, unverified, to learn which key and algorithm the
  // token names (libjwt, asked to decode without a key, forgets "alg").
  const size_t dot = token.find('.');
  std::string header_json;
  const nlohmann::json header =
      dot != std::string::npos &&
              absl::WebSafeBase64Unescape(
                  absl::string_view(token).substr(0, dot), &header_json)
          ? nlohmann::json::parse(header_json, nullptr, false)
          : nlohmann::json();
  if (!header.is_object() || !header.contains("alg") ||
      !header["alg"].is_string()) {
    return Refused("not a JWT (header.claims.signature, base64url)");
  }
  const std::string alg = header["alg"].get<std::string>();
  // The claims must be a JSON object too, or libjwt's refusal below would
  // read as a bad signature.
  const size_t second_dot = token.find('.', dot + 1);
  std::string claims_json;
  if (second_dot == std::string::npos ||
      !absl::WebSafeBase64Unescape(
          absl::string_view(token).substr(dot + 1, second_dot - dot - 1),
          &claims_json) ||
      !nlohmann::json::parse(claims_json, nullptr, false).is_object()) {
    return Refused("its claims are not a base64url JSON object");
  }
  const std::string kid_text =
      header.contains("kid") && header["kid"].is_string()
          ? header["kid"].get<std::string>()
          : "";
  const char* kid = header.contains("kid") ? kid_text.c_str() : nullptr;
  VerificationKey key;
  {
    absl::ReaderMutexLock lock(&mu_);
    bool found = false;
    for (const VerificationKey& k : keys_) {
      if (kid != nullptr ? k.kid == kid : keys_.size() == 1) {
        key = k;
        found = true;
        break;
      }
    }
    if (!found) {
      return Refused(kid == nullptr
                         ? std::string("its header names no key (\"kid\") "
                                       "and there are several; the issuer "
                                       "must put the key's kid in the header")
                         : absl::StrCat("its key ", Quoted(kid),
                                        " is not among the current keys"));
    }
  }
  // The algorithm is the key's, never the token's choice: a token saying
  // "none", or HS256 with the public key as its secret, is refused here.
  const jwt_alg_t expected = key.alg == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256;
  if (alg != key.alg) {
    return Refused(absl::StrCat("it is signed with ", Quoted(alg.c_str()),
                                " but key ", Quoted(key.kid.c_str()), " takes ",
                                key.alg));
  }
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(),
                 reinterpret_cast<const unsigned char*>(key.pem.data()),
                 static_cast<int>(key.pem.size())) != 0 ||
      raw == nullptr) {
    return Refused(absl::StrCat("its signature does not verify with key ",
                                Quoted(key.kid.c_str())));
  }
  const Jwt checked(raw);
  if (jwt_get_alg(checked.get()) != expected) {
    return Refused(
        absl::StrCat("key ", Quoted(key.kid.c_str()), " takes ", key.alg));
  }

  if (Claim(checked.get(), "iss") != options_.issuer) {
    return Refused(absl::StrCat("its issuer is ",
                                Quoted(jwt_get_grant(checked.get(), "iss")),
                                ", not \"", options_.issuer, "\""));
  }
  if (!AudienceHolds(checked.get(), options_.audience)) {
    return Refused(absl::StrCat("it is not meant for audience \"",
                                options_.audience, "\""));
  }
  absl::StatusOr<std::optional<absl::Time>> expires =
      TimeClaim(checked.get(), "exp");
  if (!expires.ok()) return expires.status();
  if (!expires->has_value()) return Refused("it has no expiry (\"exp\")");
  if (now > **expires + options_.leeway) {
    return Refused(absl::StrCat(
        "it expired at ", absl::FormatTime(**expires, absl::UTCTimeZone())));
  }
  absl::StatusOr<std::optional<absl::Time>> not_before =
      TimeClaim(checked.get(), "nbf");
  if (!not_before.ok()) return not_before.status();
  if (not_before->has_value() && now + options_.leeway < **not_before) {
    return Refused(
        absl::StrCat("it is not valid before ",
                     absl::FormatTime(**not_before, absl::UTCTimeZone())));
  }
  absl::StatusOr<Principal> principal = MakePrincipal(
      Claim(checked.get(), kKindClaim), Claim(checked.get(), kTenantClaim),
      Claim(checked.get(), "sub"));
  if (!principal.ok()) {
    return Refused(
        absl::StrCat("its principal claims (", kKindClaim, ", ", kTenantClaim,
                     ", sub) are not valid: ", principal.status().message()));
  }
  return Verified{*std::move(principal), **expires};
}

}  // namespace wmo::auth
