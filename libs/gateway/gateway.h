#ifndef WMO_LIBS_GATEWAY_GATEWAY_H_
#define WMO_LIBS_GATEWAY_GATEWAY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace wmo::gateway {

struct GatewayOptions {
  // Bodies above this get 413 without being read. Set it to what the
  // services accept (their largest message), so that no body the gateway
  // takes is then refused for its size.
  size_t max_body_bytes = 4 << 20;
  // Every call gets this deadline.
  absl::Duration call_deadline = absl::Seconds(30);
  // How long Stop waits for requests in flight.
  absl::Duration drain = absl::Seconds(10);
  // GET /readyz: 200 while it returns OK, else 503 with its message.
  // Unset: always ready.
  std::function<absl::Status()> readiness;
};

// Serves HTTP/JSON in front of gRPC services by their google.api.http
// annotations (transcoding as Envoy's grpc_json_transcoder and grpc-gateway
// do): a request's path, query and JSON body become the request message, the
// response message becomes proto3 JSON with lowerCamelCase names, and a gRPC
// error becomes its HTTP status with a JSON google.rpc.Status body.
//
// Besides the routes: GET /openapi.json (OpenApiJson()), GET /healthz (the
// process answers; touches nothing else) and GET /readyz (options.readiness).
// The authorization header travels on as gRPC metadata, and so
// does x-request-id, made up when the client sent none; every answer
// carries it.
class Gateway {
 public:
  // Routes every method of `services` (full names such as
  // "wmo.catalog.v1.CatalogService", looked up in the generated descriptor
  // pool, so their generated code must be linked in) that carries a
  // google.api.http annotation; calls go to `channel` as generic (byte)
  // calls. `registry` may be null (no metrics); otherwise it must outlive the
  // gateway. A service that is missing or has a rule that cannot be served
  // makes Start fail.
  Gateway(std::shared_ptr<grpc::Channel> channel,
          const std::vector<std::string>& services,
          prometheus::Registry* registry, GatewayOptions options = {});
  ~Gateway();  // Stops.

  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Binds host:port (port 0 picks a free one) and serves on background
  // threads. Errors: the routing problem found at construction; UNAVAILABLE
  // naming host:port when it cannot be bound; FAILED_PRECONDITION when
  // already started.
  absl::Status Start(const std::string& host, int port);

  // The bound port; 0 before Start.
  int port() const;

  // Stops accepting connections and closes idle ones; requests in flight get
  // options.drain to be answered, then their calls are cancelled. Idempotent;
  // the gateway cannot be started again.
  void Stop();

  // The OpenAPI 3.0 document of the routes.
  std::string OpenApiJson() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_GATEWAY_H_
