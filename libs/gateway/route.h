#ifndef WMO_LIBS_GATEWAY_ROUTE_H_
#define WMO_LIBS_GATEWAY_ROUTE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/gateway/http_rule.h"

namespace google::protobuf {
class MethodDescriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace wmo::gateway {

// One HTTP binding of an rpc: a google.api.http rule or one of its
// additional_bindings.
struct Route {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // upper case: "GET", "POST", ...
  PathTemplate path;
  std::string body;           // "", "*" or a top-level request field
  std::string response_body;  // "" or a top-level response field
};

// The routes of every annotated method of `service`, in declaration order.
// INVALID_ARGUMENT when a rule cannot be served: a bad template, a path
// variable that is not a singular scalar field, an unknown body field, a
// response_body that is not a message field, or a streaming method.
absl::StatusOr<std::vector<Route>> RoutesOf(
    const google::protobuf::ServiceDescriptor& service);

// What a request's method and path select.
struct RouteMatch {
  // The most specific route for the method and path; null when none.
  const Route* route = nullptr;
  // The values of `route`'s path variables.
  std::vector<BoundVariable> variables;
  // The most specific route whose template matches the path, whatever its
  // method; null when no template matches (a 404).
  const Route* path_match = nullptr;
  // When `route` is null but `path_match` is not: the methods the path
  // accepts, sorted, for a 405's Allow header.
  std::vector<std::string> allowed_methods;
};

// Selects routes for requests. Immutable after construction, so safe to
// share between threads.
class Router {
 public:
  explicit Router(std::vector<Route> routes);

  // `path` is the raw request path without its query string.
  RouteMatch Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_ROUTE_H_
