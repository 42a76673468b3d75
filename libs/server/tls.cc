#include "libs/server/tls.h"

#include <fstream>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace wmo::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (!in.good() && !in.eof()) text.clear();
  if (text.find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("--", flag, "=", path, ": not a readable PEM file"));
  }
  return text;
}

// The three files, checked to go together.
struct Pems {
  std::string cert, key, client_ca;
};

absl::StatusOr<Pems> ReadAll(const ServerOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::FailedPreconditionError(
        "--tls_cert and --tls_key go together: give both or neither");
  }
  if (o.tls_cert.empty() && !o.tls_client_ca.empty()) {
    return absl::FailedPreconditionError(
        "--tls_client_ca needs --tls_cert and --tls_key: the server speaks "
        "TLS before it asks for the callers' certificates");
  }
  Pems pems;
  if (o.tls_cert.empty()) return pems;
  for (auto [path, flag, out] :
       {std::tuple{&o.tls_cert, "tls_cert", &pems.cert},
        std::tuple{&o.tls_key, "tls_key", &pems.key},
        std::tuple{&o.tls_client_ca, "tls_client_ca", &pems.client_ca}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> text = ReadPem(*path, flag);
    if (!text.ok()) return text.status();
    *out = *std::move(text);
  }
  return pems;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsOf(
    const ServerOptions& options) {
  absl::StatusOr<Pems> pems = ReadAll(options);
  if (!pems.ok()) return pems.status();
  if (pems->cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      pems->client_ca.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = pems->client_ca;
  ssl.pem_key_cert_pairs.push_back({pems->key, pems->cert});
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsOf(
    const ServerOptions& options) {
  absl::StatusOr<Pems> pems = ReadAll(options);
  if (!pems.ok()) return pems.status();
  if (pems->cert.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pems->client_ca;
  ssl.pem_private_key = pems->key;
  ssl.pem_cert_chain = pems->cert;
  return grpc::SslCredentials(ssl);
}

}  // namespace wmo::server
