#ifndef WMO_LIBS_SERVER_TLS_H_
#define WMO_LIBS_SERVER_TLS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/server/options.h"

namespace wmo::server {

// The gRPC port's credentials: insecure without --tls_cert; TLS with it;
// mutual TLS (a certificate signed by --tls_client_ca required of every
// caller) with --tls_client_ca too. FAILED_PRECONDITION naming the flag
// when a file cannot be read or the flags do not go together.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsOf(
    const ServerOptions& options);

// The credentials for calls to the other roles of a split deployment: the
// same certificate and key, the other role's certificate checked against
// --tls_client_ca (the deployment's own CA; the system's roots without
// it); insecure without --tls_cert.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsOf(
    const ServerOptions& options);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_TLS_H_
