#ifndef WMO_LIBS_SERVER_METRICS_H_
#define WMO_LIBS_SERVER_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Collectable;
class Registry;
}  // namespace prometheus

namespace wmo::http {
class Server;
}  // namespace wmo::http

namespace wmo::server {

// Counts and times every gRPC call under the names the gRPC ecosystem's
// dashboards expect (go-grpc-prometheus): grpc_server_started_total,
// grpc_server_handled_total, grpc_server_handling_seconds, labelled by
// grpc_type, grpc_service, grpc_method and grpc_code. Labels never carry
// request data. Also writes the access log line of each call (method, code,
// duration, request id), giving a call that came without an x-request-id
// one for its handler to use.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(prometheus::Registry& registry);

// Serves GET /metrics on host:port (port 0 picks a free one) in the
// Prometheus text format: what `collectables` hold at each scrape, and
// process_* figures (CPU seconds, resident memory, open fds, start time)
// read from /proc.
absl::StatusOr<std::unique_ptr<http::Server>> ServeMetrics(
    const std::string& host, int port,
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_METRICS_H_
