#include "libs/auth/keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace wmo::auth {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using ParamBuilder =
    std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

constexpr size_t kP256CoordinateBytes = 32;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError("cannot write a public key as PEM");
  }
  return BioText(bio.get());
}

// A public key from OpenSSL parameters, as PEM.
absl::StatusOr<std::string> PemFromParams(const char* type,
                                          OSSL_PARAM_BLD* builder) {
  Params params(OSSL_PARAM_BLD_to_param(builder));
  KeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || context == nullptr ||
      EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &raw, EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return absl::InvalidArgumentError("not a valid public key");
  }
  Key key(raw);
  return PublicPem(key.get());
}

absl::StatusOr<std::string> Base64UrlField(const nlohmann::json& jwk,
                                           const char* field) {
  const auto it = jwk.find(field);
  std::string bytes;
  if (it == jwk.end() || !it->is_string() ||
      !absl::WebSafeBase64Unescape(it->get<std::string>(), &bytes) ||
      bytes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", field, "\" must be base64url"));
  }
  return bytes;
}

absl::StatusOr<std::string> RsaPem(const nlohmann::json& jwk) {
  absl::StatusOr<std::string> n = Base64UrlField(jwk, "n");
  if (!n.ok()) return n.status();
  absl::StatusOr<std::string> e = Base64UrlField(jwk, "e");
  if (!e.ok()) return e.status();
  Bignum modulus(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr));
  Bignum exponent(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                            static_cast<int>(e->size()), nullptr));
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (modulus == nullptr || exponent == nullptr || builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N,
                             modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E,
                             exponent.get()) != 1) {
    return absl::InternalError("cannot build an RSA key");
  }
  return PemFromParams("RSA", builder.get());
}

absl::StatusOr<std::string> EcPem(const nlohmann::json& jwk) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "P-256") {
    return absl::InvalidArgumentError(
        "\"crv\" must be P-256 (ES256 is the only EC algorithm taken)");
  }
  absl::StatusOr<std::string> x = Base64UrlField(jwk, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<std::string> y = Base64UrlField(jwk, "y");
  if (!y.ok()) return y.status();
  if (x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return absl::InvalidArgumentError("\"x\" and \"y\" must be 32 bytes");
  }
  const std::string point = absl::StrCat("\x04", *x, *y);  // Uncompressed.
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size()) != 1) {
    return absl::InternalError("cannot build an EC key");
  }
  return PemFromParams("EC", builder.get());
}

absl::StatusOr<Key> ReadPrivateKey(absl::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(bio == nullptr
              ? nullptr
              : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError("not a PEM private key");
  }
  return key;
}

std::string Base64Url(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);  // Unpadded, as JWK wants.
}

std::string BignumBytes(const BIGNUM* n) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(n)), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

}  // namespace

absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json) {
  const nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object() ||
      !document.contains("keys") || !document["keys"].is_array()) {
    return absl::InvalidArgumentError(
        "a JWKS must be a JSON object with a \"keys\" array");
  }
  std::vector<VerificationKey> keys;
  std::vector<std::string> skipped;  // Why each unusable key was left out.
  int index = 0;
  for (const nlohmann::json& jwk : document["keys"]) {
    const std::string where = absl::StrCat("keys[", index++, "]");
    if (!jwk.is_object()) {
      skipped.push_back(absl::StrCat(where, " is no object"));
      continue;
    }
    if (jwk.value("use", "sig") != "sig") continue;  // An encryption key.
    const std::string kid = jwk.value("kid", "");
    if (kid.empty()) {
      skipped.push_back(
          absl::StrCat(where, " has no \"kid\"; tokens name their key by it"));
      continue;
    }
    const std::string kty = jwk.value("kty", "");
    VerificationKey key{kid, kty == "RSA" ? "RS256" : "ES256", ""};
    absl::StatusOr<std::string> pem =
        kty == "RSA" ? RsaPem(jwk)
        : kty == "EC"
            ? EcPem(jwk)
            : absl::InvalidArgumentError(absl::StrCat(
                  "\"kty\" is \"", kty, "\"; only RSA and EC keys are taken"));
    const std::string alg = jwk.value("alg", key.alg);
    if (pem.ok() && alg != key.alg) {
      pem = absl::InvalidArgumentError(
          absl::StrCat("\"alg\" is ", alg, " but an ", kty,
                       " key is taken for ", key.alg, " only"));
    }
    if (!pem.ok()) {
      skipped.push_back(
          absl::StrCat(where, " (kid ", kid, "): ", pem.status().message()));
      continue;
    }
    key.pem = *std::move(pem);
    keys.push_back(std::move(key));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the JWKS holds no usable signing key (RSA for RS256, EC P-256 for "
        "ES256)",
        skipped.empty() ? "" : ": ", absl::StrJoin(skipped, "; ")));
  }
  return keys;
}

absl::StatusOr<std::string> NewEcPrivateKeyPem() {
  Key key(EVP_EC_gen("P-256"));
  Bio bio(BIO_new(BIO_s_mem()));
  if (key == nullptr || bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    return absl::InternalError("cannot make an EC P-256 key");
  }
  return BioText(bio.get());
}

absl::StatusOr<std::string> SigningAlgorithm(absl::string_view private_pem) {
  absl::StatusOr<Key> key = ReadPrivateKey(private_pem);
  if (!key.ok()) return key.status();
  if (EVP_PKEY_is_a(key->get(), "RSA")) return std::string("RS256");
  char group[32] = {};
  if (EVP_PKEY_is_a(key->get(), "EC") &&
      EVP_PKEY_get_utf8_string_param(key->get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                     group, sizeof(group), nullptr) == 1 &&
      std::string(group) == "prime256v1") {
    return std::string("ES256");
  }
  return absl::InvalidArgumentError("the key is neither RSA nor EC P-256");
}

absl::StatusOr<std::string> PublicJwk(absl::string_view private_pem,
                                      absl::string_view kid) {
  absl::StatusOr<Key> key = ReadPrivateKey(private_pem);
  if (!key.ok()) return key.status();
  nlohmann::json jwk = {{"kid", std::string(kid)}, {"use", "sig"}};
  if (EVP_PKEY_is_a(key->get(), "RSA")) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(key->get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key->get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
      BN_free(n);
      return absl::InternalError("cannot read the RSA key");
    }
    Bignum modulus(n), exponent(e);
    jwk["kty"] = "RSA";
    jwk["alg"] = "RS256";
    jwk["n"] = Base64Url(BignumBytes(modulus.get()));
    jwk["e"] = Base64Url(BignumBytes(exponent.get()));
    return jwk.dump();
  }
  unsigned char point[1 + 2 * kP256CoordinateBytes];
  size_t size = 0;
  char group[32] = {};
  if (!EVP_PKEY_is_a(key->get(), "EC") ||
      EVP_PKEY_get_utf8_string_param(key->get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                     group, sizeof(group), nullptr) != 1 ||
      std::string(group) != "prime256v1" ||
      EVP_PKEY_get_octet_string_param(key->get(), OSSL_PKEY_PARAM_PUB_KEY,
                                      point, sizeof(point), &size) != 1 ||
      size != sizeof(point) || point[0] != 0x04) {
    return absl::InvalidArgumentError("the key is neither RSA nor EC P-256");
  }
  const auto* bytes = reinterpret_cast<const char*>(point);
  jwk["kty"] = "EC";
  jwk["alg"] = "ES256";
  jwk["crv"] = "P-256";
  jwk["x"] = Base64Url(absl::string_view(bytes + 1, kP256CoordinateBytes));
  jwk["y"] = Base64Url(absl::string_view(bytes + 1 + kP256CoordinateBytes,
                                         kP256CoordinateBytes));
  return jwk.dump();
}

}  // namespace wmo::auth
