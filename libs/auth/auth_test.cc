// Principals, JWKS keys, token verification and key files, with real keys
// (RSA 2048 and EC P-256 made by OpenSSL) and real signatures (libjwt).
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/auth/key_files.h"
#include "libs/auth/keys.h"
#include "libs/auth/permissions.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "libs/testing/temp_dir.h"

namespace wmo::auth {
namespace {

using ::testing::HasSubstr;

constexpr char kIssuer[] = "https://login.example.nl";
constexpr char kAudience[] = "wmo";

std::string RsaPrivateKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string Jwks(const std::vector<std::string>& jwks) {
  return absl::StrCat(R"({"keys":[)", absl::StrJoin(jwks, ","), "]}");
}

std::vector<VerificationKey> KeysOf(
    const std::vector<std::pair<std::string, std::string>>& pem_and_kid) {
  std::vector<std::string> jwks;
  for (const auto& [pem, kid] : pem_and_kid) {
    absl::StatusOr<std::string> jwk = PublicJwk(pem, kid);
    EXPECT_TRUE(jwk.ok()) << jwk.status();
    jwks.push_back(*jwk);
  }
  absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(Jwks(jwks));
  EXPECT_TRUE(keys.ok()) << keys.status();
  return keys.ok() ? *keys : std::vector<VerificationKey>{};
}

Principal Municipality() {
  return {PrincipalKind::kMunicipality, "0988", "consultant-17"};
}

// A verifier whose clock the test sets.
class TokenVerifierTest : public ::testing::Test {
 protected:
  TokenVerifierTest()
      : ec_(*NewEcPrivateKeyPem()),
        rsa_(RsaPrivateKeyPem()),
        verifier_({kIssuer, kAudience, absl::Seconds(60), 100},
                  [this] { return now_; }) {
    verifier_.SetKeys(KeysOf({{ec_, "ec-1"}, {rsa_, "rsa-1"}}));
  }

  std::string Sign(const std::string& pem, const std::string& kid,
                   const Principal& principal = Municipality(),
                   const std::string& audience = kAudience,
                   const std::string& issuer = kIssuer) {
    absl::StatusOr<std::string> token = SignToken(
        pem, kid, principal, {issuer, audience, now_, absl::Hours(1)});
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  // `token` with its claims part replaced by `claims` (JSON), the
  // signature kept.
  static std::string WithClaims(const std::string& token,
                                const std::string& claims) {
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    parts[1] = absl::WebSafeBase64Escape(claims);
    return absl::StrJoin(parts, ".");
  }

  absl::Time now_ = absl::FromUnixSeconds(1'790'000'000);  // 2026-09
  std::string ec_, rsa_;
  TokenVerifier verifier_;
};

TEST_F(TokenVerifierTest, Es256AndRs256TokensNameTheirPrincipal) {
  for (const auto& [pem, kid] :
       {std::pair{ec_, "ec-1"}, std::pair{rsa_, "rsa-1"}}) {
    absl::StatusOr<Principal> p = verifier_.Verify(Sign(pem, kid));
    ASSERT_TRUE(p.ok()) << kid << ": " << p.status();
    EXPECT_EQ(*p, Municipality());
  }
  const Principal provider{PrincipalKind::kProvider, "99990303", "portal"};
  EXPECT_EQ(*verifier_.Verify(Sign(ec_, "ec-1", provider)), provider);
  const Principal op{PrincipalKind::kOperator, "", "ops-anna"};
  EXPECT_EQ(*verifier_.Verify(Sign(rsa_, "rsa-1", op)), op);
}

TEST_F(TokenVerifierTest, RefusesWhatIsWrongSayingWhat) {
  auto refused = [&](const std::string& token, const std::string& why) {
    absl::StatusOr<Principal> p = verifier_.Verify(token);
    ASSERT_FALSE(p.ok()) << why;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(why));
  };
  refused("not-a-token", "not a JWT");
  refused(Sign(ec_, "ec-9"), R"(key "ec-9" is not among the current keys)");
  refused(Sign(ec_, "ec-1", Municipality(), "other-api"),
          "not meant for audience \"wmo\"");
  refused(Sign(ec_, "ec-1", Municipality(), kAudience, "https://evil"),
          "issuer is \"https://evil\"");
  // Signed by the EC key but naming the RSA key.
  refused(Sign(ec_, "rsa-1"), "signed with \"ES256\" but key \"rsa-1\"");
  // Another EC key under a known id: the signature does not verify.
  refused(Sign(*NewEcPrivateKeyPem(), "ec-1"),
          "signature does not verify with key \"ec-1\"");
  // Claims changed after signing (another municipality).
  const std::string token = Sign(ec_, "ec-1");
  refused(WithClaims(token, absl::StrCat(R"({"iss":")", kIssuer,
                                         R"(","aud":"wmo","sub":"x",)",
                                         R"("wmo_principal":"municipality",)",
                                         R"("wmo_tenant":"0363","exp":)",
                                         absl::ToUnixSeconds(now_) + 60, "}")),
          "signature does not verify");
  // Principal claims that do not make a principal.
  refused(Sign(ec_, "ec-1", {PrincipalKind::kMunicipality, "99990303", "x"}),
          "four-digit CBS code");
}

// A token without "kid" names the only key there is; an audience list
// holding this audience is this audience.
TEST_F(TokenVerifierTest, NoKidWithOneKeyAndAudienceListsAreTaken) {
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grant(jwt, "iss", kIssuer);
  jwt_add_grants_json(jwt, R"({"aud": ["portal", "wmo"]})");
  jwt_add_grant(jwt, "sub", "ops-anna");
  jwt_add_grant(jwt, kKindClaim, "operator");
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(now_) + 600);
  ASSERT_EQ(jwt_set_alg(jwt, JWT_ALG_ES256,
                        reinterpret_cast<const unsigned char*>(ec_.data()),
                        static_cast<int>(ec_.size())),
            0);
  char* token = jwt_encode_str(jwt);
  ASSERT_NE(token, nullptr);
  const std::string text = token;
  std::free(token);
  jwt_free(jwt);
  // Two keys: which one?
  EXPECT_THAT(std::string(verifier_.Verify(text).status().message()),
              HasSubstr("names no key (\"kid\") and there are several"));
  verifier_.SetKeys(KeysOf({{ec_, "ec-1"}}));
  absl::StatusOr<Principal> p = verifier_.Verify(text);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "ops-anna");
}

TEST_F(TokenVerifierTest, RefusesAlgorithmsTheKeyDoesNotTake) {
  // "none", and HS256 keyed with the public key (which anyone has): the
  // classic ways around a verifier that trusts the token's "alg".
  for (jwt_alg_t alg : {JWT_ALG_NONE, JWT_ALG_HS256}) {
    const std::string public_pem = KeysOf({{ec_, "ec-1"}})[0].pem;
    jwt_t* jwt = nullptr;
    ASSERT_EQ(jwt_new(&jwt), 0);
    jwt_add_header(jwt, "kid", "ec-1");
    jwt_add_grant(jwt, "iss", kIssuer);
    jwt_add_grant(jwt, "aud", kAudience);
    jwt_add_grant(jwt, "sub", "mallory");
    jwt_add_grant(jwt, kKindClaim, "operator");
    jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(now_) + 600);
    ASSERT_EQ(
        jwt_set_alg(
            jwt, alg,
            alg == JWT_ALG_NONE
                ? nullptr
                : reinterpret_cast<const unsigned char*>(public_pem.data()),
            alg == JWT_ALG_NONE ? 0 : static_cast<int>(public_pem.size())),
        0);
    char* token = jwt_encode_str(jwt);
    ASSERT_NE(token, nullptr);
    absl::StatusOr<Principal> p = verifier_.Verify(token);
    std::free(token);
    jwt_free(jwt);
    ASSERT_FALSE(p.ok()) << jwt_alg_str(alg);
    EXPECT_THAT(p.status().message(),
                HasSubstr("but key \"ec-1\" takes ES256"));
  }
}

TEST_F(TokenVerifierTest, ExpiryAndNotBeforeHoldWithTheLeewayAlsoWhenCached) {
  const std::string token = Sign(ec_, "ec-1");  // nbf now, exp now + 1 h.
  const absl::Time issued = now_;
  now_ = issued - absl::Seconds(61);
  EXPECT_THAT(std::string(verifier_.Verify(token).status().message()),
              HasSubstr("not valid before"));
  now_ = issued - absl::Seconds(59);
  EXPECT_TRUE(verifier_.Verify(token).ok());  // Within the leeway.
  now_ = issued + absl::Hours(1) + absl::Seconds(59);
  EXPECT_TRUE(verifier_.Verify(token).ok());  // Verified and remembered.
  now_ = issued + absl::Hours(1) + absl::Seconds(61);
  absl::StatusOr<Principal> late = verifier_.Verify(token);
  ASSERT_FALSE(late.ok());
  EXPECT_THAT(std::string(late.status().message()), HasSubstr("expired at"));
}

TEST_F(TokenVerifierTest, NewKeysForgetTokensOfKeysThatAreGone) {
  const std::string old_token = Sign(ec_, "ec-1");
  ASSERT_TRUE(verifier_.Verify(old_token).ok());
  const std::string next = *NewEcPrivateKeyPem();
  verifier_.SetKeys(KeysOf({{next, "ec-2"}}));
  EXPECT_FALSE(verifier_.Verify(old_token).ok());
  EXPECT_TRUE(verifier_.Verify(Sign(next, "ec-2")).ok());
}

TEST(JwksTest, TakesRsaAndP256SigningKeysAndSaysWhatIsWrongWithOthers) {
  const std::string ec_jwk = *PublicJwk(*NewEcPrivateKeyPem(), "a");
  absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(
      Jwks({ec_jwk, *PublicJwk(RsaPrivateKeyPem(), "b"),
            R"({"kty":"RSA","use":"enc","kid":"c","n":"AQAB","e":"AQAB"})"}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);  // The encryption key is left out.
  EXPECT_EQ((*keys)[0].alg, "ES256");
  EXPECT_EQ((*keys)[1].alg, "RS256");
  EXPECT_THAT((*keys)[0].pem, HasSubstr("BEGIN PUBLIC KEY"));

  auto error = [](const std::string& json) {
    return std::string(ParseJwks(json).status().message());
  };
  EXPECT_THAT(error("[]"), HasSubstr("\"keys\" array"));
  EXPECT_THAT(error(R"({"keys":[]})"), HasSubstr("no usable signing key"));
  // Keys it cannot use beside one it can: the usable one is taken.
  absl::StatusOr<std::vector<VerificationKey>> mixed =
      ParseJwks(Jwks({R"({"kty":"oct","kid":"k","k":"c2VjcmV0"})",
                      R"({"kty":"EC","crv":"P-384","kid":"p384"})", ec_jwk}));
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_EQ(mixed->size(), 1u);
  EXPECT_EQ((*mixed)[0].kid, "a");
  EXPECT_THAT(error(R"({"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"}]})"),
              HasSubstr("keys[0] (kid k): \"kty\" is \"oct\""));
  EXPECT_THAT(error(R"({"keys":[{"kty":"EC","crv":"P-384","kid":"k"}]})"),
              HasSubstr("\"crv\" must be P-256"));
  std::string no_kid = ec_jwk;
  no_kid.replace(no_kid.find(R"("kid":"a")"), 9, R"("kid":"")");
  EXPECT_THAT(error(Jwks({no_kid})), HasSubstr("keys[0] has no \"kid\""));
  std::string wrong_alg = ec_jwk;
  wrong_alg.replace(wrong_alg.find("ES256"), 5, "RS256");
  EXPECT_THAT(error(Jwks({wrong_alg})), HasSubstr("\"alg\" is RS256"));
}

TEST(PrincipalTest, ACertificateSubjectNamesKindCodeAndSubject) {
  EXPECT_EQ(*PrincipalOfCertificate("CN=case-system,OU=municipality,O=0988"),
            (Principal{PrincipalKind::kMunicipality, "0988", "case-system"}));
  // The order of the attributes does not matter; other attributes are
  // ignored.
  EXPECT_EQ(*PrincipalOfCertificate("C=NL, O=99990303, OU=provider, CN=x"),
            (Principal{PrincipalKind::kProvider, "99990303", "x"}));
  EXPECT_EQ(*PrincipalOfCertificate("CN=declaration,OU=service"),
            (Principal{PrincipalKind::kService, "", "declaration"}));
  for (const char* wrong :
       {"CN=case-system,O=0988",                   // no kind
        "CN=case-system,OU=municipality,O=98",     // not a CBS code
        "OU=provider,O=99990303",                  // no subject
        "CN=111222333,OU=municipality,O=0988",     // a BSN as subject
        "CN=x,OU=municipality,OU=service,O=0988",  // two kinds
        "CN=a\\,b,OU=operator", "CN=a+UID=b,OU=operator", "garbage"}) {
    absl::StatusOr<Principal> p = PrincipalOfCertificate(wrong);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << wrong;
    EXPECT_THAT(std::string(p.status().message()), HasSubstr("certificate"))
        << wrong;
  }
}

TEST(PrincipalTest, TenantsAreCheckedCodes) {
  EXPECT_TRUE(MakePrincipal("municipality", "0988", "a").ok());
  EXPECT_TRUE(MakePrincipal("provider", "99990303", "a").ok());
  EXPECT_TRUE(MakePrincipal("operator", "", "a").ok());
  EXPECT_THAT(MakePrincipal("provider", "0988", "a").status().message(),
              HasSubstr("eight-digit AGB code"));
  EXPECT_THAT(MakePrincipal("operator", "0988", "a").status().message(),
              HasSubstr("an operator has no tenant"));
  EXPECT_THAT(MakePrincipal("admin", "", "a").status().message(),
              HasSubstr("none of municipality, provider"));
  EXPECT_THAT(MakePrincipal("operator", "", "").status().message(),
              HasSubstr("subject must be 1 to 128"));
  EXPECT_THAT(
      MakePrincipal("municipality", "0988", "111222333").status().message(),
      HasSubstr("must not be a BSN"));
  EXPECT_THAT(
      MakePrincipal("provider", std::string(500, '9'), "a").status().message(),
      HasSubstr("not (not shown)"));
  EXPECT_EQ(Principal().kind, PrincipalKind::kUnknown);
  EXPECT_EQ(Describe(Municipality()),
            "municipality 0988 (subject consultant-17)");
}

TEST(PermissionsTest, OnlyOperatorsDoOperatorsWork) {
  EXPECT_TRUE(
      RequireOperator({PrincipalKind::kOperator, "", "ops"}, "import catalogs")
          .ok());
  const absl::Status denied =
      RequireOperator(Municipality(), "import catalogs");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(),
            "municipality 0988 (subject consultant-17) may not import "
            "catalogs; only an operator may");
  EXPECT_FALSE(RequireOperator({PrincipalKind::kService, "", "declaration"},
                               "import catalogs")
                   .ok());
}

TEST(PermissionsTest, TenantsActOnlyForThemselves) {
  const Principal weert = Municipality();  // 0988
  const Principal provider{PrincipalKind::kProvider, "99990303", "portal"};
  const Principal op{PrincipalKind::kOperator, "", "ops"};
  EXPECT_TRUE(RequireMunicipality(weert, "0988", "x").ok());
  EXPECT_EQ(RequireMunicipality(weert, "0363", "end assignment A").message(),
            "municipality 0988 (subject consultant-17) may not end "
            "assignment A; only municipality 0363 may");
  EXPECT_FALSE(RequireMunicipality(provider, "0988", "x").ok());
  EXPECT_FALSE(RequireMunicipality(op, "0988", "x").ok());
  EXPECT_TRUE(RequireProvider(provider, "99990303", "x").ok());
  EXPECT_FALSE(RequireProvider(provider, "99990301", "x").ok());
  EXPECT_FALSE(RequireProvider(weert, "99990303", "x").ok());
  EXPECT_TRUE(
      RequireMunicipalityOrProvider(weert, "0988", "99990303", "x").ok());
  EXPECT_TRUE(
      RequireMunicipalityOrProvider(provider, "0988", "99990303", "x").ok());
  EXPECT_EQ(
      RequireMunicipalityOrProvider(op, "0988", "99990303", "read A").code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(KeyFilesTest, JwksFileChangesRotateTheKeysAndBrokenOnesAreKept) {
  testing::TempDir dir;
  const std::string path = dir.File("jwks.json");
  const std::string first = *NewEcPrivateKeyPem();
  const std::string second = *NewEcPrivateKeyPem();
  auto write = [&](const std::string& content) {
    std::ofstream(path, std::ios::trunc) << content;
  };
  auto sign = [](const std::string& pem, const std::string& kid) {
    return *SignToken(pem, kid, Municipality(),
                      {kIssuer, kAudience, absl::Now(), absl::Hours(1)});
  };
  TokenVerifier verifier({kIssuer, kAudience});
  std::vector<absl::Status> errors;
  JwksFile file(path, verifier,
                [&](const absl::Status& s) { errors.push_back(s); });
  EXPECT_EQ(file.Load().code(), absl::StatusCode::kNotFound);

  write(Jwks({*PublicJwk(first, "k1")}));
  ASSERT_TRUE(file.Load().ok());
  EXPECT_TRUE(verifier.Verify(sign(first, "k1")).ok());

  write(Jwks({*PublicJwk(second, "k2")}));  // Rotated.
  ASSERT_TRUE(file.Load().ok());
  EXPECT_FALSE(verifier.Verify(sign(first, "k1")).ok());
  EXPECT_TRUE(verifier.Verify(sign(second, "k2")).ok());

  write(R"({"keys":)");  // Half written.
  EXPECT_THAT(file.Load().message(), HasSubstr("jwks.json"));
  EXPECT_TRUE(verifier.Verify(sign(second, "k2")).ok());
}

TEST(KeyFilesTest, DevKeyIsMadeOnceAndOnlyItsOwnerReadsIt) {
  testing::TempDir dir;
  absl::StatusOr<std::string> made = LoadOrCreateDevKey(dir.path());
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(*LoadOrCreateDevKey(dir.path()), *made);
  struct stat st {};
  ASSERT_EQ(stat(dir.File("dev-signing-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(*SigningAlgorithm(*made), "ES256");
}

// Replicas started at once on one directory: one key, never half a key.
TEST(KeyFilesTest, ProcessesStartingAtOnceGetTheSameWholeKey) {
  for (int round = 0; round < 20; ++round) {
    testing::TempDir dir;
    std::vector<absl::StatusOr<std::string>> keys(4);
    std::vector<std::thread> starts;
    for (size_t i = 0; i < keys.size(); ++i) {
      starts.emplace_back([&, i] { keys[i] = LoadOrCreateDevKey(dir.path()); });
    }
    for (auto& t : starts) t.join();
    for (const auto& key : keys) {
      ASSERT_TRUE(key.ok()) << key.status();
      EXPECT_EQ(*key, *keys[0]);
      EXPECT_TRUE(SigningAlgorithm(*key).ok());
    }
  }
}

}  // namespace
}  // namespace wmo::auth
