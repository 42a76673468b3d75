#ifndef WMO_LIBS_GATEWAY_OPENAPI_H_
#define WMO_LIBS_GATEWAY_OPENAPI_H_

#include <string>
#include <vector>

#include "libs/gateway/proto_docs.h"
#include "libs/gateway/route.h"

namespace wmo::gateway {

struct OpenApiInfo {
  std::string title;
  std::string version;
};

// An OpenAPI 3.0 document (JSON text) with one operation per route: its path
// and query parameters, its request body and its 200 and error responses,
// with schemas derived from the message descriptors per the proto3 JSON
// mapping and proto comments (from `docs`, which may be null) as
// descriptions.
//
// OpenAPI path parameters cannot hold a '/', so a variable spanning several
// segments, such as {name=catalogs/*/products/*}, becomes one parameter per
// wildcard, named after the collection before it:
// /v1/catalogs/{catalogsId}/products/{productsId}. The URL a client builds
// from it is the same one the gateway matches.
std::string BuildOpenApi(const OpenApiInfo& info,
                         const std::vector<Route>& routes,
                         const ProtoDocs* docs);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_OPENAPI_H_
